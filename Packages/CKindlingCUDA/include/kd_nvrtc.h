// NVRTC, CUDA's run-time compiler (libnvrtc.so.*), declared here with Kindling's own type names.
#pragma once
#include <stddef.h>

typedef int kd_nvrtc_result;     // nvrtcResult; 0 is NVRTC_SUCCESS
typedef void *kd_nvrtc_program;  // nvrtcProgram

/// Entry points of libnvrtc, bound by kd_nvrtc_open. The supported-architecture queries (NVRTC
/// 11.2 and later) are optional: NULL when the library lacks them.
typedef struct kd_nvrtc {
  void *handle;
  kd_nvrtc_result (*nvrtcVersion)(int *major, int *minor);
  kd_nvrtc_result (*nvrtcCreateProgram)(kd_nvrtc_program *program, const char *source, const char *name,
                                        int headerCount, const char *const *headers,
                                        const char *const *includeNames);
  kd_nvrtc_result (*nvrtcCompileProgram)(kd_nvrtc_program program, int optionCount, const char *const *options);
  kd_nvrtc_result (*nvrtcGetProgramLogSize)(kd_nvrtc_program program, size_t *size);
  kd_nvrtc_result (*nvrtcGetProgramLog)(kd_nvrtc_program program, char *log);
  kd_nvrtc_result (*nvrtcGetPTXSize)(kd_nvrtc_program program, size_t *size);
  kd_nvrtc_result (*nvrtcGetPTX)(kd_nvrtc_program program, char *ptx);
  kd_nvrtc_result (*nvrtcGetCUBINSize)(kd_nvrtc_program program, size_t *size);
  kd_nvrtc_result (*nvrtcGetCUBIN)(kd_nvrtc_program program, char *cubin);
  kd_nvrtc_result (*nvrtcDestroyProgram)(kd_nvrtc_program *program);
  const char *(*nvrtcGetErrorString)(kd_nvrtc_result result);
  kd_nvrtc_result (*nvrtcGetNumSupportedArchs)(int *count);  // optional
  kd_nvrtc_result (*nvrtcGetSupportedArchs)(int *archs);     // optional
} kd_nvrtc;

/// Opens NVRTC at `path` and binds its entry points; 0 on success, else -1 with a message in
/// `error` (as kd_cuda_driver_open).
int kd_nvrtc_open(const char *path, kd_nvrtc *nvrtc, char *error, size_t error_size);

/// Closes a library opened by kd_nvrtc_open.
void kd_nvrtc_close(kd_nvrtc *nvrtc);
