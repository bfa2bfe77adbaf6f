/// A place where Kindling's GPU kernels run: CUDA on an NVIDIA GPU (``CUDARuntime``), or OpenCL
/// (``OpenCLRuntime``; POCL runs it on the CPU so that machines without a GPU run every kernel).
///
/// The GPU backend is written once against this protocol. Buffers are opaque handles (a
/// `CUdeviceptr` or a `cl_mem`), never dereferenced on the host and never offset by pointer
/// arithmetic: kernels take a buffer and an element offset. Every call is ordered on one queue
/// (one stream per device); ``copyToHost(from:offset:to:byteCount:)`` waits for the work before it.
package protocol KernelRuntime: AnyObject, Sendable {
  /// The runtime and device in words, such as `CUDA (NVIDIA H100 80GB HBM3, sm_90)` or
  /// `OpenCL (pthread-skylake-avx512-AMD EPYC)`.
  var name: String { get }
  /// The dialect the kernel sources are compiled as.
  var dialect: KernelDialect { get }

  /// A buffer of at least `byteCount` bytes (> 0).
  func allocate(byteCount: Int) throws(GPUError) -> UnsafeMutableRawPointer
  /// Gives back a buffer from ``allocate(byteCount:)``.
  func free(_ buffer: UnsafeMutableRawPointer)
  /// Bytes of device memory free and in all, as the driver reports them.
  func memoryInfo() throws(GPUError) -> (free: Int, total: Int)

  /// Copies `byteCount` bytes from host memory into `buffer` at byte `offset`.
  func copyToDevice(from host: UnsafeRawPointer, to buffer: UnsafeMutableRawPointer, offset: Int, byteCount: Int)
    throws(GPUError)
  /// Waits for the queued work, then copies `byteCount` bytes from `buffer` at byte `offset` to the host.
  func copyToHost(from buffer: UnsafeMutableRawPointer, offset: Int, to host: UnsafeMutableRawPointer, byteCount: Int)
    throws(GPUError)
  /// Copies `byteCount` bytes between two buffers (queued).
  func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, to destination: UnsafeMutableRawPointer,
    offset destinationOffset: Int, byteCount: Int) throws(GPUError)
  /// Waits until every queued command has finished.
  func synchronize() throws(GPUError)

  /// Compiles `source` (written in Kindling's kernel dialect, without the prelude: the runtime
  /// puts ``KernelDialect/prelude`` first) and returns its kernels by name. Compiled code is
  /// cached in memory (and on disk for CUDA) by source, architecture and driver version.
  func compile(_ source: String, kernels: [String]) throws(GPUError) -> [String: any KernelFunction]
  /// Queues `kernel` on `blocks` blocks of `threadsPerBlock` threads (a 1-D launch: OpenCL's
  /// global size is blocks × threadsPerBlock, its local size threadsPerBlock).
  func launch(
    _ kernel: any KernelFunction, blocks: Int, threadsPerBlock: Int, arguments: [KernelArgument]) throws(GPUError)

  /// Matrix products on the vendor library (cuBLAS), or `nil` when the runtime has none (the
  /// backend then uses its own GEMM kernel).
  var blas: (any DeviceBLAS)? { get }
}

/// A compiled kernel of one runtime.
package protocol KernelFunction: AnyObject, Sendable {
  var name: String { get }
}

/// One argument of a kernel launch, in the order of the kernel's parameters.
package enum KernelArgument {
  /// A buffer from ``KernelRuntime/allocate(byteCount:)`` (a `GLOBAL T*` parameter).
  case buffer(UnsafeMutableRawPointer)
  case int32(Int32)
  case int64(Int64)
  case float32(Float)
  case float64(Double)
  /// A struct passed by value (its bytes as the host lays them out; the kernel side declares the
  /// same fields, of 8-byte types only, so both layouts agree).
  case bytes([UInt8])
}

/// Column-major GEMM in cuBLAS's terms: C = alpha · op(A) · op(B) + beta · C, batched with
/// strides (batchCount 1 for a plain product). Offsets and strides are in elements.
package protocol DeviceBLAS: AnyObject, Sendable {
  func gemm(
    dtype: GEMMType, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafeMutableRawPointer, aOffset: Int, lda: Int, strideA: Int,
    b: UnsafeMutableRawPointer, bOffset: Int, ldb: Int, strideB: Int, beta: Double,
    c: UnsafeMutableRawPointer, cOffset: Int, ldc: Int, strideC: Int, batchCount: Int) throws(GPUError)
}

/// The element types ``DeviceBLAS`` multiplies.
package enum GEMMType: Sendable { case float32, float64 }
