// Householder reductions for small matrices: of a symmetric matrix to tridiagonal form (LAPACK's
// ?sytrd, either triangle; sytrd_template.h) and of a general one to bidiagonal form (?gebrd for
// m >= n; gebrd_template.h). The symmetric one: the unblocked algorithm (LAPACK's ?sytd2) on the
// full matrix, so that the symmetric product and the rank-2 update are plain loops over
// contiguous columns that the compiler vectorizes, where OpenBLAS's ?symv and ?syr2 cost more to
// call than to run at these sizes. The output is LAPACK's: d, e, tau and the reflectors beyond the first off-diagonal, for
// LAPACK's ?ormtr and ?stedc. The bidiagonal one is LAPACK's ?gebd2 with the same vectorized
// loops, followed for a square SVD by ?gesdd's other phases (?bdsdc, ?ormbr).

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <cblas.h>
#include <lapacke.h>
#include "CKindlingLinalgKernels.h"

#include "multiversion.h"

#define ST_T float
#define ST_NAME(x) x##_f32
#define ST_NRM2 cblas_snrm2
#define ST_SQRT sqrtf
#define ST_SAFE_MIN (FLT_MIN / (FLT_EPSILON / 2))
#define ST_MIN_NORMAL FLT_MIN
#define ST_EPSILON FLT_EPSILON
#define ST_BDSDC LAPACKE_sbdsdc_work
#define ST_ORMBR LAPACKE_sormbr_work
#include "sytrd_template.h"
#include "gebrd_template.h"
#undef ST_T
#undef ST_NAME
#undef ST_NRM2
#undef ST_SQRT
#undef ST_SAFE_MIN
#undef ST_MIN_NORMAL
#undef ST_EPSILON
#undef ST_BDSDC
#undef ST_ORMBR

#define ST_T double
#define ST_NAME(x) x##_f64
#define ST_NRM2 cblas_dnrm2
#define ST_SQRT sqrt
#define ST_SAFE_MIN (DBL_MIN / (DBL_EPSILON / 2))
#define ST_MIN_NORMAL DBL_MIN
#define ST_EPSILON DBL_EPSILON
#define ST_BDSDC LAPACKE_dbdsdc_work
#define ST_ORMBR LAPACKE_dormbr_work
#include "sytrd_template.h"
#include "gebrd_template.h"
