#include "CKindlingCUDA.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int bind(void *handle, const char *name, void **slot, char *error, size_t error_size) {
  *slot = dlsym(handle, name);
  if (*slot == NULL) {
    snprintf(error, error_size, "the driver library has no symbol %s", name);
    return -1;
  }
  return 0;
}

int kd_cuda_driver_open(const char *path, kd_cuda_driver *driver, char *error, size_t error_size) {
  memset(driver, 0, sizeof *driver);
  if (error_size > 0) error[0] = '\0';
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char *reason = dlerror();
    snprintf(error, error_size, "%s", reason ? reason : "dlopen failed");
    return -1;
  }
  const struct { const char *name; void **slot; } symbols[] = {
      {"cuInit", (void **)&driver->cuInit},
      {"cuDriverGetVersion", (void **)&driver->cuDriverGetVersion},
      {"cuDeviceGetCount", (void **)&driver->cuDeviceGetCount},
      {"cuDeviceGet", (void **)&driver->cuDeviceGet},
      {"cuDeviceGetName", (void **)&driver->cuDeviceGetName},
      {"cuDeviceTotalMem_v2", (void **)&driver->cuDeviceTotalMem},
      {"cuDeviceGetAttribute", (void **)&driver->cuDeviceGetAttribute},
      {"cuGetErrorString", (void **)&driver->cuGetErrorString},
  };
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
    if (bind(handle, symbols[i].name, symbols[i].slot, error, error_size) != 0) {
      dlclose(handle);
      memset(driver, 0, sizeof *driver);
      return -1;
    }
  }
  driver->handle = handle;
  return 0;
}

void kd_cuda_driver_close(kd_cuda_driver *driver) {
  if (driver->handle != NULL) dlclose(driver->handle);
  memset(driver, 0, sizeof *driver);
}
