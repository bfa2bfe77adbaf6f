#include "CKindlingCUDA.h"
#include "dl_bind.h"

int kd_cublas_open(const char *path, kd_cublas *cublas, char *error, size_t error_size) {
  memset(cublas, 0, sizeof *cublas);
  const kd_symbol symbols[] = {
      {"cublasCreate_v2", (void **)&cublas->cublasCreate, 0},
      {"cublasDestroy_v2", (void **)&cublas->cublasDestroy, 0},
      {"cublasSetStream_v2", (void **)&cublas->cublasSetStream, 0},
      {"cublasSgemmStridedBatched", (void **)&cublas->cublasSgemmStridedBatched, 0},
      {"cublasDgemmStridedBatched", (void **)&cublas->cublasDgemmStridedBatched, 0},
  };
  void *handle = kd_open_and_bind(path, "cuBLAS", symbols, sizeof symbols / sizeof symbols[0], error, error_size);
  if (handle == NULL) {
    memset(cublas, 0, sizeof *cublas);
    return -1;
  }
  cublas->handle = handle;
  return 0;
}

void kd_cublas_close(kd_cublas *cublas) {
  if (cublas->handle != NULL) dlclose(cublas->handle);
  memset(cublas, 0, sizeof *cublas);
}
