#include "CKindlingCUDA.h"
#include "dl_bind.h"

int kd_cuda_driver_open(const char *path, kd_cuda_driver *driver, char *error, size_t error_size) {
  memset(driver, 0, sizeof *driver);
  const kd_symbol symbols[] = {
      {"cuInit", (void **)&driver->cuInit, 0},
      {"cuDriverGetVersion", (void **)&driver->cuDriverGetVersion, 0},
      {"cuDeviceGetCount", (void **)&driver->cuDeviceGetCount, 0},
      {"cuDeviceGet", (void **)&driver->cuDeviceGet, 0},
      {"cuDeviceGetName", (void **)&driver->cuDeviceGetName, 0},
      {"cuDeviceTotalMem_v2", (void **)&driver->cuDeviceTotalMem, 0},
      {"cuDeviceGetAttribute", (void **)&driver->cuDeviceGetAttribute, 0},
      {"cuGetErrorString", (void **)&driver->cuGetErrorString, 0},
      {"cuDevicePrimaryCtxRetain", (void **)&driver->cuDevicePrimaryCtxRetain, 0},
      {"cuDevicePrimaryCtxRelease_v2", (void **)&driver->cuDevicePrimaryCtxRelease, 0},
      {"cuCtxSetCurrent", (void **)&driver->cuCtxSetCurrent, 0},
      {"cuCtxSynchronize", (void **)&driver->cuCtxSynchronize, 0},
      {"cuStreamCreate", (void **)&driver->cuStreamCreate, 0},
      {"cuStreamDestroy_v2", (void **)&driver->cuStreamDestroy, 0},
      {"cuStreamSynchronize", (void **)&driver->cuStreamSynchronize, 0},
      {"cuMemAlloc_v2", (void **)&driver->cuMemAlloc, 0},
      {"cuMemFree_v2", (void **)&driver->cuMemFree, 0},
      {"cuMemGetInfo_v2", (void **)&driver->cuMemGetInfo, 0},
      {"cuMemcpyHtoDAsync_v2", (void **)&driver->cuMemcpyHtoDAsync, 0},
      {"cuMemcpyDtoHAsync_v2", (void **)&driver->cuMemcpyDtoHAsync, 0},
      {"cuMemcpyDtoDAsync_v2", (void **)&driver->cuMemcpyDtoDAsync, 0},
      {"cuModuleLoadData", (void **)&driver->cuModuleLoadData, 0},
      {"cuModuleGetFunction", (void **)&driver->cuModuleGetFunction, 0},
      {"cuModuleUnload", (void **)&driver->cuModuleUnload, 0},
      {"cuLaunchKernel", (void **)&driver->cuLaunchKernel, 0},
  };
  return kd_open_table(path, "driver", driver, sizeof *driver, &driver->handle, symbols,
                       sizeof symbols / sizeof symbols[0], error, error_size);
}

void kd_cuda_driver_close(kd_cuda_driver *driver) { kd_close_table(driver, sizeof *driver, driver->handle); }
