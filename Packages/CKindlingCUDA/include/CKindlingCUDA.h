// Private shim: the few CUDA entry points KindlingGPU uses (the driver, NVRTC and cuBLAS), bound
// at run time with dlopen so that building Kindling needs no CUDA headers or libraries (only libdl).
#pragma once
#include "kd_cuda_driver.h"
#include "kd_nvrtc.h"
#include "kd_cublas.h"
