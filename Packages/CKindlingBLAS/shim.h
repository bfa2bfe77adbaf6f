// Private shim: OpenBLAS's CBLAS interface (libopenblas-dev) for KindlingTensor's CPU kernels.
#pragma once
#include <cblas.h>
