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
