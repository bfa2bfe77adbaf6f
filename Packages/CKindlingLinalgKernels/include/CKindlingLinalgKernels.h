// Private C kernels of KindlingLinalg that replace LAPACK routines where OpenBLAS's LAPACK (the
// reference one over its BLAS) is slow: LU with partial pivoting, recursive, on row-major
// matrices, with its products in OpenBLAS's GEMM. See lu.c.
#pragma once

/// The panel width below which the recursive LU stops splitting and factors columns one by one;
/// `work` must hold `m * KINDLING_LU_PANEL` elements.
#define KINDLING_LU_PANEL 16

/// LU factorization with partial pivoting of the row-major `m`×`n` matrix `a` (row stride `lda`),
/// in place: `P A = L U`, with L's unit diagonal implied, exactly what LAPACK's `?getrf` computes
/// for the same matrix, up to rounding. `ipiv` gets LAPACK's `min(m, n)` 1-based pivots (row `i`
/// was interchanged with row `ipiv[i]`). Returns LAPACK's `info`: 0, or `i` when `U[i-1, i-1]`
/// is exactly zero (the first such; the factorization is completed all the same).
int kindling_getrf_f32(int m, int n, float *a, int lda, int *ipiv, float *work);
/// ``kindling_getrf_f32`` for float64.
int kindling_getrf_f64(int m, int n, double *a, int lda, int *ipiv, double *work);
