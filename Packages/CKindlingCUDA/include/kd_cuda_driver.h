// The CUDA driver API (libcuda.so.1), declared here with Kindling's own names for its types.
#pragma once
#include <stddef.h>

typedef int kd_cu_result;                  // CUresult; 0 is CUDA_SUCCESS
typedef int kd_cu_device;                  // CUdevice
typedef unsigned long long kd_cu_deviceptr; // CUdeviceptr (64-bit on every supported platform)
typedef void *kd_cu_context;               // CUcontext
typedef void *kd_cu_stream;                // CUstream
typedef void *kd_cu_module;                // CUmodule
typedef void *kd_cu_function;              // CUfunction

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
  // Contexts and streams.
  kd_cu_result (*cuDevicePrimaryCtxRetain)(kd_cu_context *context, kd_cu_device device);
  kd_cu_result (*cuDevicePrimaryCtxRelease)(kd_cu_device device);  // cuDevicePrimaryCtxRelease_v2
  kd_cu_result (*cuCtxSetCurrent)(kd_cu_context context);
  kd_cu_result (*cuCtxSynchronize)(void);
  kd_cu_result (*cuStreamCreate)(kd_cu_stream *stream, unsigned int flags);
  kd_cu_result (*cuStreamDestroy)(kd_cu_stream stream);  // cuStreamDestroy_v2
  kd_cu_result (*cuStreamSynchronize)(kd_cu_stream stream);
  // Memory.
  kd_cu_result (*cuMemAlloc)(kd_cu_deviceptr *pointer, size_t bytes);  // cuMemAlloc_v2
  kd_cu_result (*cuMemFree)(kd_cu_deviceptr pointer);                  // cuMemFree_v2
  kd_cu_result (*cuMemGetInfo)(size_t *free, size_t *total);           // cuMemGetInfo_v2
  kd_cu_result (*cuMemcpyHtoDAsync)(kd_cu_deviceptr destination, const void *source, size_t bytes,
                                    kd_cu_stream stream);  // cuMemcpyHtoDAsync_v2
  kd_cu_result (*cuMemcpyDtoHAsync)(void *destination, kd_cu_deviceptr source, size_t bytes,
                                    kd_cu_stream stream);  // cuMemcpyDtoHAsync_v2
  kd_cu_result (*cuMemcpyDtoDAsync)(kd_cu_deviceptr destination, kd_cu_deviceptr source, size_t bytes,
                                    kd_cu_stream stream);  // cuMemcpyDtoDAsync_v2
  // Modules and launches.
  kd_cu_result (*cuModuleLoadData)(kd_cu_module *module, const void *image);
  kd_cu_result (*cuModuleGetFunction)(kd_cu_function *function, kd_cu_module module, const char *name);
  kd_cu_result (*cuModuleUnload)(kd_cu_module module);
  kd_cu_result (*cuLaunchKernel)(kd_cu_function function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                                 unsigned int blockX, unsigned int blockY, unsigned int blockZ,
                                 unsigned int sharedBytes, kd_cu_stream stream, void **parameters, void **extra);
} kd_cuda_driver;

/// Opens the driver library at `path` and binds every entry point. Returns 0 on success; on
/// failure returns -1, leaves `driver` closed and writes a message (dlerror's, or the missing
/// symbol's name) into `error` (always NUL-terminated when error_size > 0).
int kd_cuda_driver_open(const char *path, kd_cuda_driver *driver, char *error, size_t error_size);

/// Closes a driver opened by kd_cuda_driver_open.
void kd_cuda_driver_close(kd_cuda_driver *driver);
