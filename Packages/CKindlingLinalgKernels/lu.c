// LU with partial pivoting on row-major matrices: the recursive algorithm (Toledo 1997; LAPACK's
// own ?getrf2), which puts almost all its arithmetic in matrix products.
//
// To factor the columns of a block: factor its left half, solve for the top rows of its right half
// (U12 = L11⁻¹ A12), update the rest (A22 -= L21 U12, one GEMM), factor that. Row interchanges
// are applied to whole rows at once, which in row-major storage are contiguous copies. Panels of
// at most KINDLING_LU_PANEL columns are copied into a column-major work buffer and factored
// column by column there, where the pivot search (OpenBLAS's i?amax) and the updates run over
// contiguous memory. The solve from the factors (kindling_getrs) substitutes over the row-major
// rows for one right-hand side and calls OpenBLAS's trsm on the transposed triangles for more.
//
// Measured on 2 cores (Xeon, AVX-512), float32, one OpenBLAS thread, fastest of 40 calls against
// OpenBLAS's sgetrf on the column-major copy of the same matrix: n = 64 10 against 19.5 µs,
// n = 256 248 against 398 µs, n = 1024 10.1 against 13.0 ms.
//
// The kernels are written once in lu_template.h and instantiated for float and double here.

#include <float.h>
#include <cblas.h>
#include "CKindlingLinalgKernels.h"

#include "multiversion.h"

#define LU_T float
#define LU_NAME(x) x##_f32
#define LU_GEMM cblas_sgemm
#define LU_IAMAX cblas_isamax
#define LU_TRSM cblas_strsm
#define LU_SAFE_MIN FLT_MIN
#include "lu_template.h"
#undef LU_T
#undef LU_NAME
#undef LU_GEMM
#undef LU_IAMAX
#undef LU_TRSM
#undef LU_SAFE_MIN

#define LU_T double
#define LU_NAME(x) x##_f64
#define LU_GEMM cblas_dgemm
#define LU_IAMAX cblas_idamax
#define LU_TRSM cblas_dtrsm
#define LU_SAFE_MIN DBL_MIN
#include "lu_template.h"
