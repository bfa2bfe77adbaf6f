// Private shim: LAPACKE (liblapacke-dev), backed by the LAPACK in OpenBLAS, for KindlingLinalg.
#pragma once
#include <lapacke.h>

// LAPACK's `?laed1` (the merge step of the symmetric tridiagonal divide and conquer), which
// LAPACKE does not wrap: the Fortran entry points in OpenBLAS's LAPACK. All arguments by
// reference, column-major, 1-based indices in `indxq`.
void slaed1_(const int *n, float *d, float *q, const int *ldq, int *indxq, const float *rho, const int *cutpnt,
             float *work, int *iwork, int *info);
void dlaed1_(const int *n, double *d, double *q, const int *ldq, int *indxq, const double *rho, const int *cutpnt,
             double *work, int *iwork, int *info);

// LAPACK's `?laed4` (one root of the divide and conquer's secular equation), which LAPACKE does
// not wrap, for tests of Kindling's solver: `i` 1-based.
void slaed4_(const int *n, const int *i, const float *d, const float *z, float *delta, const float *rho, float *dlam,
             int *info);
void dlaed4_(const int *n, const int *i, const double *d, const double *z, double *delta, const double *rho,
             double *dlam, int *info);
