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
  return kd_open_table(path, "cuBLAS", cublas, sizeof *cublas, &cublas->handle, symbols,
                       sizeof symbols / sizeof symbols[0], error, error_size);
}

void kd_cublas_close(kd_cublas *cublas) { kd_close_table(cublas, sizeof *cublas, cublas->handle); }
