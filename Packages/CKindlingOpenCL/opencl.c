// OpenCL entry points, bound at run time with dlopen (see include/CKindlingOpenCL.h).
#include "CKindlingOpenCL.h"
// The dlopen/dlsym table helper shared with the CUDA shim (a private header, not a module one).
#include "../CKindlingCUDA/dl_bind.h"

int kd_opencl_open(const char *path, kd_opencl *opencl, char *error, size_t error_size) {
  memset(opencl, 0, sizeof *opencl);
  const kd_symbol symbols[] = {
      {"clGetPlatformIDs", (void **)&opencl->clGetPlatformIDs, 0},
      {"clGetPlatformInfo", (void **)&opencl->clGetPlatformInfo, 0},
      {"clGetDeviceIDs", (void **)&opencl->clGetDeviceIDs, 0},
      {"clGetDeviceInfo", (void **)&opencl->clGetDeviceInfo, 0},
      {"clCreateContext", (void **)&opencl->clCreateContext, 0},
      {"clCreateCommandQueue", (void **)&opencl->clCreateCommandQueue, 0},
      {"clCreateCommandQueueWithProperties", (void **)&opencl->clCreateCommandQueueWithProperties, 1},
      {"clCreateBuffer", (void **)&opencl->clCreateBuffer, 0},
      {"clReleaseMemObject", (void **)&opencl->clReleaseMemObject, 0},
      {"clEnqueueWriteBuffer", (void **)&opencl->clEnqueueWriteBuffer, 0},
      {"clEnqueueReadBuffer", (void **)&opencl->clEnqueueReadBuffer, 0},
      {"clEnqueueCopyBuffer", (void **)&opencl->clEnqueueCopyBuffer, 0},
      {"clCreateProgramWithSource", (void **)&opencl->clCreateProgramWithSource, 0},
      {"clBuildProgram", (void **)&opencl->clBuildProgram, 0},
      {"clGetProgramBuildInfo", (void **)&opencl->clGetProgramBuildInfo, 0},
      {"clCreateKernel", (void **)&opencl->clCreateKernel, 0},
      {"clSetKernelArg", (void **)&opencl->clSetKernelArg, 0},
      {"clEnqueueNDRangeKernel", (void **)&opencl->clEnqueueNDRangeKernel, 0},
      {"clFinish", (void **)&opencl->clFinish, 0},
      {"clReleaseKernel", (void **)&opencl->clReleaseKernel, 0},
      {"clReleaseProgram", (void **)&opencl->clReleaseProgram, 0},
      {"clReleaseCommandQueue", (void **)&opencl->clReleaseCommandQueue, 0},
      {"clReleaseContext", (void **)&opencl->clReleaseContext, 0},
  };
  return kd_open_table(path, "OpenCL", opencl, sizeof *opencl, &opencl->handle, symbols,
                       sizeof symbols / sizeof symbols[0], error, error_size);
}

void kd_opencl_close(kd_opencl *opencl) { kd_close_table(opencl, sizeof *opencl, opencl->handle); }
