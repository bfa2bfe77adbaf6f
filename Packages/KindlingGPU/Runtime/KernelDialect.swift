/// Kindling's kernel language: C with a small prelude of macros, compiled as CUDA C++ by NVRTC
/// or as OpenCL C. Kernels use only these names for what differs between the two:
///
/// | macro | meaning |
/// | --- | --- |
/// | `KERNEL` | starts a kernel definition: `KERNEL name(GLOBAL float *x, i64 n) { … }` |
/// | `GLOBAL` | qualifies a pointer to device memory |
/// | `SHARED` | declares block-shared memory inside a kernel |
/// | `THREAD_ID`, `BLOCK_ID`, `BLOCK_SIZE`, `GRID_SIZE` | the 1-D launch indices (as `i64`) |
/// | `BARRIER()` | synchronizes the threads of a block |
/// | `i64`, `u64`, `i32`, `u32`, `u8`, `i8`, `i16` | fixed-width integers |
///
/// Math uses the overloaded C names (`exp`, `log`, `tanh`, `fmax`, …) that both compilers provide
/// for `float` and `double`.
package enum KernelDialect: String, Sendable, CaseIterable {
  case cuda
  case openCL

  /// The text put before every kernel source.
  package var prelude: String {
    switch self {
    case .cuda:
      """
      typedef long long i64; typedef unsigned long long u64; typedef int i32; typedef unsigned int u32;
      typedef short i16; typedef signed char i8; typedef unsigned char u8;
      #define KERNEL extern "C" __global__ void
      #define GLOBAL
      #define SHARED __shared__
      #define THREAD_ID ((i64)threadIdx.x)
      #define BLOCK_ID ((i64)blockIdx.x)
      #define BLOCK_SIZE ((i64)blockDim.x)
      #define GRID_SIZE ((i64)gridDim.x)
      #define BARRIER() __syncthreads()
      #define INFINITY __int_as_float(0x7f800000)
      #define NAN __int_as_float(0x7fffffff)

      """
    case .openCL:
      """
      #pragma OPENCL EXTENSION cl_khr_fp64 : enable
      #pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
      typedef long i64; typedef ulong u64; typedef int i32; typedef uint u32;
      typedef short i16; typedef char i8; typedef uchar u8;
      #define KERNEL __kernel void
      #define GLOBAL __global
      #define SHARED __local
      #define THREAD_ID ((i64)get_local_id(0))
      #define BLOCK_ID ((i64)get_group_id(0))
      #define BLOCK_SIZE ((i64)get_local_size(0))
      #define GRID_SIZE ((i64)get_num_groups(0))
      #define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

      """
    }
  }
}
