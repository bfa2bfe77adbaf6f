// Private shim: the OpenCL 1.2 entry points KindlingGPU uses, bound at run time with dlopen from
// the ICD loader (libOpenCL.so.1), so that building Kindling needs no OpenCL headers (only libdl).
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef int32_t kd_cl_int;     // cl_int; 0 is CL_SUCCESS
typedef uint32_t kd_cl_uint;   // cl_uint, cl_bool and the *_info enums
typedef uint64_t kd_cl_ulong;  // cl_ulong and the bitfields (cl_device_type, cl_mem_flags, …)
typedef void *kd_cl_platform;  // cl_platform_id
typedef void *kd_cl_device;    // cl_device_id
typedef void *kd_cl_context;   // cl_context
typedef void *kd_cl_queue;     // cl_command_queue
typedef void *kd_cl_mem;       // cl_mem
typedef void *kd_cl_program;   // cl_program
typedef void *kd_cl_kernel;    // cl_kernel
typedef void *kd_cl_event;     // cl_event

/// Entry points of the OpenCL ICD loader, bound by kd_opencl_open.
/// clCreateCommandQueueWithProperties (OpenCL 2.0) is optional: NULL when the loader lacks it.
typedef struct kd_opencl {
  void *handle;
  kd_cl_int (*clGetPlatformIDs)(kd_cl_uint count, kd_cl_platform *platforms, kd_cl_uint *available);
  kd_cl_int (*clGetPlatformInfo)(kd_cl_platform platform, kd_cl_uint name, size_t size, void *value,
                                 size_t *returnedSize);
  kd_cl_int (*clGetDeviceIDs)(kd_cl_platform platform, kd_cl_ulong type, kd_cl_uint count, kd_cl_device *devices,
                              kd_cl_uint *available);
  kd_cl_int (*clGetDeviceInfo)(kd_cl_device device, kd_cl_uint name, size_t size, void *value, size_t *returnedSize);
  kd_cl_context (*clCreateContext)(const intptr_t *properties, kd_cl_uint deviceCount, const kd_cl_device *devices,
                                   void (*notify)(const char *, const void *, size_t, void *), void *userData,
                                   kd_cl_int *status);
  kd_cl_queue (*clCreateCommandQueue)(kd_cl_context context, kd_cl_device device, kd_cl_ulong properties,
                                      kd_cl_int *status);
  kd_cl_queue (*clCreateCommandQueueWithProperties)(kd_cl_context context, kd_cl_device device,
                                                    const kd_cl_ulong *properties, kd_cl_int *status);  // optional
  kd_cl_mem (*clCreateBuffer)(kd_cl_context context, kd_cl_ulong flags, size_t size, void *host, kd_cl_int *status);
  kd_cl_int (*clReleaseMemObject)(kd_cl_mem buffer);
  kd_cl_int (*clEnqueueWriteBuffer)(kd_cl_queue queue, kd_cl_mem buffer, kd_cl_uint blocking, size_t offset,
                                    size_t size, const void *host, kd_cl_uint waitCount, const kd_cl_event *waitList,
                                    kd_cl_event *event);
  kd_cl_int (*clEnqueueReadBuffer)(kd_cl_queue queue, kd_cl_mem buffer, kd_cl_uint blocking, size_t offset,
                                   size_t size, void *host, kd_cl_uint waitCount, const kd_cl_event *waitList,
                                   kd_cl_event *event);
  kd_cl_int (*clEnqueueCopyBuffer)(kd_cl_queue queue, kd_cl_mem source, kd_cl_mem destination, size_t sourceOffset,
                                   size_t destinationOffset, size_t size, kd_cl_uint waitCount,
                                   const kd_cl_event *waitList, kd_cl_event *event);
  kd_cl_program (*clCreateProgramWithSource)(kd_cl_context context, kd_cl_uint count, const char **strings,
                                             const size_t *lengths, kd_cl_int *status);
  kd_cl_int (*clBuildProgram)(kd_cl_program program, kd_cl_uint deviceCount, const kd_cl_device *devices,
                              const char *options, void (*notify)(kd_cl_program, void *), void *userData);
  kd_cl_int (*clGetProgramBuildInfo)(kd_cl_program program, kd_cl_device device, kd_cl_uint name, size_t size,
                                     void *value, size_t *returnedSize);
  kd_cl_kernel (*clCreateKernel)(kd_cl_program program, const char *name, kd_cl_int *status);
  kd_cl_int (*clSetKernelArg)(kd_cl_kernel kernel, kd_cl_uint index, size_t size, const void *value);
  kd_cl_int (*clEnqueueNDRangeKernel)(kd_cl_queue queue, kd_cl_kernel kernel, kd_cl_uint dimensions,
                                      const size_t *globalOffset, const size_t *globalSize, const size_t *localSize,
                                      kd_cl_uint waitCount, const kd_cl_event *waitList, kd_cl_event *event);
  kd_cl_int (*clFinish)(kd_cl_queue queue);
  kd_cl_int (*clReleaseKernel)(kd_cl_kernel kernel);
  kd_cl_int (*clReleaseProgram)(kd_cl_program program);
  kd_cl_int (*clReleaseCommandQueue)(kd_cl_queue queue);
  kd_cl_int (*clReleaseContext)(kd_cl_context context);
} kd_opencl;

/// Opens the OpenCL library at `path` and binds its entry points; 0 on success, else -1 with a
/// message (dlerror's, or the missing symbol's name) in `error`, always NUL-terminated.
int kd_opencl_open(const char *path, kd_opencl *opencl, char *error, size_t error_size);

/// Closes a library opened by kd_opencl_open.
void kd_opencl_close(kd_opencl *opencl);
