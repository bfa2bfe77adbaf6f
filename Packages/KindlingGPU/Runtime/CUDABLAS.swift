import CKindlingCUDA

/// cuBLAS (`libcublas`), opened with ``LibraryLocator/cublas``.
final class CUBLASLibrary: @unchecked Sendable {
  /// cuBLAS of this process, opened on first use.
  static let shared: Result<CUBLASLibrary, GPUError> = Result { () throws(GPUError) in
    let (api, path) = try LibraryLocator.cublas.open(kd_cublas(), with: kd_cublas_open)
    return CUBLASLibrary(api: api, path: path)
  }

  let api: kd_cublas
  /// Where the library was found.
  let path: String

  init(api: kd_cublas, path: String) {
    self.api = api
    self.path = path
  }

  deinit {
    var api = self.api
    kd_cublas_close(&api)
  }

  /// Throws ``GPUError/call(runtime:function:code:message:)`` unless `status` is
  /// `CUBLAS_STATUS_SUCCESS`.
  static func check(_ status: kd_cublas_status, _ function: String) throws(GPUError) {
    guard status != 0 else { return }
    throw .call(
      runtime: "cuBLAS", function: function, code: Int(status), message: statusNames[status] ?? "unknown status")
  }

  static let statusNames: [kd_cublas_status: String] = [
    1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED", 7: "CUBLAS_STATUS_INVALID_VALUE",
    8: "CUBLAS_STATUS_ARCH_MISMATCH", 11: "CUBLAS_STATUS_MAPPING_ERROR", 13: "CUBLAS_STATUS_EXECUTION_FAILED",
    14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED", 16: "CUBLAS_STATUS_LICENSE_ERROR",
  ]
}

/// ``DeviceBLAS`` on cuBLAS: one handle bound to a ``CUDARuntime``'s context and stream; every
/// product is a strided-batched GEMM (`cublasSgemmStridedBatched`, `cublasDgemmStridedBatched`)
/// with alpha and beta in host memory.
final class CUDABLAS: DeviceBLAS, @unchecked Sendable {
  let library: CUBLASLibrary
  let driver: CUDADriver
  let context: kd_cu_context
  let handle: kd_cublas_handle

  /// A cuBLAS handle in `context`, queuing on `stream`.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` when cuBLAS cannot be found, a call error when the
  ///   handle cannot be created.
  init(driver: CUDADriver, context: kd_cu_context, stream: kd_cu_stream) throws(GPUError) {
    library = try CUBLASLibrary.shared.get()
    self.driver = driver
    self.context = context
    try driver.call(driver.api.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    var handle: kd_cublas_handle?
    try CUBLASLibrary.check(library.api.cublasCreate(&handle), "cublasCreate_v2")
    guard let handle else { throw .call(runtime: "cuBLAS", function: "cublasCreate_v2", code: 0, message: "no handle") }
    self.handle = handle
    do throws(GPUError) {
      try CUBLASLibrary.check(library.api.cublasSetStream(handle, stream), "cublasSetStream_v2")
    } catch {
      _ = library.api.cublasDestroy(handle)
      throw error
    }
  }

  deinit {
    _ = driver.api.cuCtxSetCurrent(context)
    _ = library.api.cublasDestroy(handle)
  }

  func gemm(
    dtype: GEMMType, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafeMutableRawPointer, aOffset: Int, lda: Int, strideA: Int,
    b: UnsafeMutableRawPointer, bOffset: Int, ldb: Int, strideB: Int, beta: Double,
    c: UnsafeMutableRawPointer, cOffset: Int, ldc: Int, strideC: Int, batchCount: Int
  ) throws(GPUError) {
    for (label, value) in [
      ("m", m), ("n", n), ("k", k), ("lda", lda), ("ldb", ldb), ("ldc", ldc), ("batchCount", batchCount),
    ] {
      precondition((0...Int(Int32.max)).contains(value), "gemm: \(label) = \(value) is outside cuBLAS's 32-bit range")
    }
    guard m > 0, n > 0, batchCount > 0 else { return }
    try driver.call(driver.api.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    let opA: kd_cublas_operation = transposeA ? 1 : 0
    let opB: kd_cublas_operation = transposeB ? 1 : 0
    switch dtype {
    case .float32:
      var alpha = Float(alpha)
      var beta = Float(beta)
      try CUBLASLibrary.check(
        library.api.cublasSgemmStridedBatched(
          handle, opA, opB, Int32(m), Int32(n), Int32(k), &alpha,
          (a + aOffset * 4).assumingMemoryBound(to: Float.self), Int32(lda), Int64(strideA),
          (b + bOffset * 4).assumingMemoryBound(to: Float.self), Int32(ldb), Int64(strideB), &beta,
          (c + cOffset * 4).assumingMemoryBound(to: Float.self), Int32(ldc), Int64(strideC), Int32(batchCount)),
        "cublasSgemmStridedBatched")
    case .float64:
      var alpha = alpha
      var beta = beta
      try CUBLASLibrary.check(
        library.api.cublasDgemmStridedBatched(
          handle, opA, opB, Int32(m), Int32(n), Int32(k), &alpha,
          (a + aOffset * 8).assumingMemoryBound(to: Double.self), Int32(lda), Int64(strideA),
          (b + bOffset * 8).assumingMemoryBound(to: Double.self), Int32(ldb), Int64(strideB), &beta,
          (c + cOffset * 8).assumingMemoryBound(to: Double.self), Int32(ldc), Int64(strideC), Int32(batchCount)),
        "cublasDgemmStridedBatched")
    }
  }
}
