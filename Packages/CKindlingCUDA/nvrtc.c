#include "CKindlingCUDA.h"
#include "dl_bind.h"

int kd_nvrtc_open(const char *path, kd_nvrtc *nvrtc, char *error, size_t error_size) {
  memset(nvrtc, 0, sizeof *nvrtc);
  const kd_symbol symbols[] = {
      {"nvrtcVersion", (void **)&nvrtc->nvrtcVersion, 0},
      {"nvrtcCreateProgram", (void **)&nvrtc->nvrtcCreateProgram, 0},
      {"nvrtcCompileProgram", (void **)&nvrtc->nvrtcCompileProgram, 0},
      {"nvrtcGetProgramLogSize", (void **)&nvrtc->nvrtcGetProgramLogSize, 0},
      {"nvrtcGetProgramLog", (void **)&nvrtc->nvrtcGetProgramLog, 0},
      {"nvrtcGetPTXSize", (void **)&nvrtc->nvrtcGetPTXSize, 0},
      {"nvrtcGetPTX", (void **)&nvrtc->nvrtcGetPTX, 0},
      {"nvrtcGetCUBINSize", (void **)&nvrtc->nvrtcGetCUBINSize, 0},
      {"nvrtcGetCUBIN", (void **)&nvrtc->nvrtcGetCUBIN, 0},
      {"nvrtcDestroyProgram", (void **)&nvrtc->nvrtcDestroyProgram, 0},
      {"nvrtcGetErrorString", (void **)&nvrtc->nvrtcGetErrorString, 0},
      {"nvrtcGetNumSupportedArchs", (void **)&nvrtc->nvrtcGetNumSupportedArchs, 1},
      {"nvrtcGetSupportedArchs", (void **)&nvrtc->nvrtcGetSupportedArchs, 1},
  };
  return kd_open_table(path, "NVRTC", nvrtc, sizeof *nvrtc, &nvrtc->handle, symbols,
                       sizeof symbols / sizeof symbols[0], error, error_size);
}

void kd_nvrtc_close(kd_nvrtc *nvrtc) { kd_close_table(nvrtc, sizeof *nvrtc, nvrtc->handle); }
