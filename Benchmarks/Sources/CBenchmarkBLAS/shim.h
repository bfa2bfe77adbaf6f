// The benchmarks' own view of OpenBLAS's CBLAS interface (libopenblas-dev): the baseline that
// the matrix-product benchmarks call directly. The root package's CKindlingBLAS shim is not a
// product, so this package declares the same system library for itself.
#pragma once
#include <cblas.h>
