// Householder reductions for small matrices: of a symmetric matrix to tridiagonal form (LAPACK's
// ?sytrd, either triangle; sytrd_template.h) and of a general one to bidiagonal form (?gebrd for
// m >= n; gebrd_template.h). The symmetric one: the unblocked algorithm (LAPACK's ?sytd2) on the
// full matrix, so that the symmetric product and the rank-2 update are plain loops over
// contiguous columns that the compiler vectorizes, where OpenBLAS's ?symv and ?syr2 cost more to
// call than to run at these sizes. The output is LAPACK's: d, e, tau and the reflectors beyond
// the first off-diagonal, for LAPACK's ?ormtr and ?stedc. The bidiagonal one is LAPACK's ?gebd2
// with the same vectorized loops (gebrd_template.h), and for larger matrices its blocked form
// split across threads (gebrd_blocked_template.h); with the bidiagonal SVD split in two
// (bdsdc_template.h) they make ?gesdd for square matrices (gesdd_template.h).

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <cblas.h>
#include <lapacke.h>
#include "CKindlingLinalgKernels.h"

#include "multiversion.h"
#include "team.h"

// LAPACK's ?lasd0 and ?lasd1 (the bidiagonal divide and conquer and its merge step), ?laed2 and
// ?laed4 (the tridiagonal merge's deflation and secular equation) and ?lamrg, which LAPACKE does
// not wrap: the Fortran entry points in OpenBLAS's LAPACK, arguments by reference.
void slasd0_(int *n, int *sqre, float *d, float *e, float *u, int *ldu, float *vt, int *ldvt, int *smlsiz, int *iwork,
             float *work, int *info);
void dlasd0_(int *n, int *sqre, double *d, double *e, double *u, int *ldu, double *vt, int *ldvt, int *smlsiz,
             int *iwork, double *work, int *info);
void slaed2_(int *k, int *n, int *n1, float *d, float *q, int *ldq, int *indxq, float *rho, float *z, float *dlamda,
             float *w, float *q2, int *indx, int *indxc, int *indxp, int *coltyp, int *info);
void dlaed2_(int *k, int *n, int *n1, double *d, double *q, int *ldq, int *indxq, double *rho, double *z,
             double *dlamda, double *w, double *q2, int *indx, int *indxc, int *indxp, int *coltyp, int *info);
void slaed4_(int *n, int *i, float *d, float *z, float *delta, float *rho, float *dlam, int *info);
void dlaed4_(int *n, int *i, double *d, double *z, double *delta, double *rho, double *dlam, int *info);
void slamrg_(int *n1, int *n2, float *a, int *strd1, int *strd2, int *index);
void dlamrg_(int *n1, int *n2, double *a, int *strd1, int *strd2, int *index);
void slasd1_(int *nl, int *nr, int *sqre, float *d, float *alpha, float *beta, float *u, int *ldu, float *vt,
             int *ldvt, int *idxq, int *iwork, float *work, int *info);
void dlasd1_(int *nl, int *nr, int *sqre, double *d, double *alpha, double *beta, double *u, int *ldu, double *vt,
             int *ldvt, int *idxq, int *iwork, double *work, int *info);

#define ST_T float
#define ST_NAME(x) x##_f32
#define ST_NRM2 cblas_snrm2
#define ST_SQRT sqrtf
#define ST_SAFE_MIN (FLT_MIN / (FLT_EPSILON / 2))
#define ST_MIN_NORMAL FLT_MIN
#define ST_EPSILON FLT_EPSILON
#define ST_BDSDC LAPACKE_sbdsdc_work
#define ST_ORMBR LAPACKE_sormbr_work
#define ST_ABS fabsf
#define ST_GEMV cblas_sgemv
#define ST_GEMM cblas_sgemm
#define ST_SYMV cblas_ssymv
#define ST_SYR2K cblas_ssyr2k
#define ST_LASD0 slasd0_
#define ST_LASD1 slasd1_
#define ST_LAED2 slaed2_
#define ST_LAED4 slaed4_
#define ST_LAMRG slamrg_
#define ST_STEQR LAPACKE_ssteqr_work
#define ST_LARFT LAPACKE_slarft_work
#define ST_LARFB LAPACKE_slarfb_work
#include "sytrd_template.h"
#include "sytrd_blocked_template.h"
#include "gebrd_template.h"
#include "gebrd_blocked_template.h"
#include "bdsdc_template.h"
#include "gesdd_template.h"
#include "secular_template.h"
#include "laed1_template.h"
#include "stedc_template.h"
#include "ormtr_template.h"
#undef ST_T
#undef ST_NAME
#undef ST_NRM2
#undef ST_SQRT
#undef ST_SAFE_MIN
#undef ST_MIN_NORMAL
#undef ST_EPSILON
#undef ST_BDSDC
#undef ST_ORMBR
#undef ST_ABS
#undef ST_GEMV
#undef ST_GEMM
#undef ST_SYMV
#undef ST_SYR2K
#undef ST_LASD0
#undef ST_LASD1
#undef ST_LAED2
#undef ST_LAED4
#undef ST_LAMRG
#undef ST_STEQR
#undef ST_LARFT
#undef ST_LARFB

#define ST_T double
#define ST_NAME(x) x##_f64
#define ST_NRM2 cblas_dnrm2
#define ST_SQRT sqrt
#define ST_SAFE_MIN (DBL_MIN / (DBL_EPSILON / 2))
#define ST_MIN_NORMAL DBL_MIN
#define ST_EPSILON DBL_EPSILON
#define ST_BDSDC LAPACKE_dbdsdc_work
#define ST_ORMBR LAPACKE_dormbr_work
#define ST_ABS fabs
#define ST_GEMV cblas_dgemv
#define ST_GEMM cblas_dgemm
#define ST_SYMV cblas_dsymv
#define ST_SYR2K cblas_dsyr2k
#define ST_LASD0 dlasd0_
#define ST_LASD1 dlasd1_
#define ST_LAED2 dlaed2_
#define ST_LAED4 dlaed4_
#define ST_LAMRG dlamrg_
#define ST_STEQR LAPACKE_dsteqr_work
#define ST_LARFT LAPACKE_dlarft_work
#define ST_LARFB LAPACKE_dlarfb_work
#include "sytrd_template.h"
#include "sytrd_blocked_template.h"
#include "gebrd_template.h"
#include "gebrd_blocked_template.h"
#include "bdsdc_template.h"
#include "gesdd_template.h"
#include "secular_template.h"
#include "laed1_template.h"
#include "stedc_template.h"
#include "ormtr_template.h"
