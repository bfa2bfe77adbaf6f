// Private shim: LAPACKE (liblapacke-dev), backed by the LAPACK in OpenBLAS, for KindlingLinalg.
#pragma once
#include <lapacke.h>
