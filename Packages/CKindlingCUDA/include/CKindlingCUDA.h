// Private shim: the few CUDA driver API entry points KindlingGPU uses, bound at run time with
// dlopen so that building Kindling needs no CUDA headers or libraries (only libdl).
#pragma once
#include <stddef.h>

typedef int kd_cu_result;  // CUresult; 0 is CUDA_SUCCESS
typedef int kd_cu_device;  // CUdevice

/// Entry points of libcuda, bound by kd_cuda_driver_open. Versioned symbols (the `_v2` ones the
/// CUDA headers map to) are bound under their plain names here.
typedef struct kd_cuda_driver {
  void *handle;
  kd_cu_result (*cuInit)(unsigned int flags);
  kd_cu_result (*cuDriverGetVersion)(int *version);
  kd_cu_result (*cuDeviceGetCount)(int *count);
  kd_cu_result (*cuDeviceGet)(kd_cu_device *device, int ordinal);
  kd_cu_result (*cuDeviceGetName)(char *name, int length, kd_cu_device device);
  kd_cu_result (*cuDeviceTotalMem)(size_t *bytes, kd_cu_device device);  // cuDeviceTotalMem_v2
  kd_cu_result (*cuDeviceGetAttribute)(int *value, int attribute, kd_cu_device device);
  kd_cu_result (*cuGetErrorString)(kd_cu_result error, const char **message);
} kd_cuda_driver;

/// Opens the driver library at `path` and binds every entry point. Returns 0 on success; on
/// failure returns -1, leaves `driver` closed and writes a message (dlerror's, or the missing
/// symbol's name) into `error` (always NUL-terminated when error_size > 0).
int kd_cuda_driver_open(const char *path, kd_cuda_driver *driver, char *error, size_t error_size);

/// Closes a driver opened by kd_cuda_driver_open.
void kd_cuda_driver_close(kd_cuda_driver *driver);
