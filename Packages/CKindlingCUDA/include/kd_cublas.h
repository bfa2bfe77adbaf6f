// cuBLAS (libcublas.so.*): only the strided-batched GEMMs, declared with Kindling's own type names.
#pragma once
#include <stddef.h>

typedef int kd_cublas_status;  // cublasStatus_t; 0 is CUBLAS_STATUS_SUCCESS
typedef void *kd_cublas_handle;  // cublasHandle_t
typedef int kd_cublas_operation;  // cublasOperation_t: 0 N, 1 T, 2 C

/// Entry points of libcublas, bound by kd_cublas_open. Pointer mode stays the default (host), so
/// alpha and beta point to host memory. The stream is a CUstream (cudaStream_t is the same type).
typedef struct kd_cublas {
  void *handle;
  kd_cublas_status (*cublasCreate)(kd_cublas_handle *handle);                        // cublasCreate_v2
  kd_cublas_status (*cublasDestroy)(kd_cublas_handle handle);                        // cublasDestroy_v2
  kd_cublas_status (*cublasSetStream)(kd_cublas_handle handle, void *stream);        // cublasSetStream_v2
  kd_cublas_status (*cublasSgemmStridedBatched)(
      kd_cublas_handle handle, kd_cublas_operation transA, kd_cublas_operation transB, int m, int n, int k,
      const float *alpha, const float *a, int lda, long long strideA, const float *b, int ldb, long long strideB,
      const float *beta, float *c, int ldc, long long strideC, int batchCount);
  kd_cublas_status (*cublasDgemmStridedBatched)(
      kd_cublas_handle handle, kd_cublas_operation transA, kd_cublas_operation transB, int m, int n, int k,
      const double *alpha, const double *a, int lda, long long strideA, const double *b, int ldb, long long strideB,
      const double *beta, double *c, int ldc, long long strideC, int batchCount);
} kd_cublas;

/// Opens cuBLAS at `path` and binds its entry points; 0 on success, else -1 with a message in
/// `error` (as kd_cuda_driver_open).
int kd_cublas_open(const char *path, kd_cublas *cublas, char *error, size_t error_size);

/// Closes a library opened by kd_cublas_open.
void kd_cublas_close(kd_cublas *cublas);
