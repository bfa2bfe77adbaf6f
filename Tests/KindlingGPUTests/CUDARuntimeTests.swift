import Foundation
import Testing

@testable import KindlingGPU

@Suite("CUDA runtime")
struct CUDARuntimeTests {
  /// The runtime on device 0 that the generic runtime tests share (when a GPU is visible).
  static let shared: Result<CUDARuntime, GPUError> = Result { () throws(GPUError) in try CUDARuntime() }

  @Test("without a GPU, creating the runtime throws .unavailable naming the driver", .enabled(if: !CUDA.isAvailable))
  func unavailableWithoutGPU() {
    do {
      _ = try CUDARuntime()
      Issue.record("expected .unavailable")
    } catch {
      guard case .unavailable(let text) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(text.hasPrefix("CUDA is not available"))
      #expect(text.contains("NVIDIA driver"))
    }
  }

  @Test("cuBLAS products match Swift in float32 and float64, batched with strides", .enabled(if: CUDA.isAvailable))
  func cublasGEMM() throws {
    let runtime = try Self.shared.get()
    let blas = try #require(runtime.blas, "cuBLAS not found")
    // Two batches of C (2×2) = A (2×3) · B (3×2), column-major, strides of a whole matrix.
    let a: [Double] = [1, 2, 3, 4, 5, 6, -1, 0.5, 2, 3, -4, 1]
    let b: [Double] = [1, 0, 2, -1, 3, 1, 2, 2, 0.25, 1, -1, 3]
    var expected = [Double](repeating: 0, count: 8)
    for batch in 0..<2 {
      for i in 0..<2 {
        for j in 0..<2 {
          expected[batch * 4 + j * 2 + i] = (0..<3).reduce(0) {
            $0 + a[batch * 6 + $1 * 2 + i] * b[batch * 6 + j * 3 + $1]
          }
        }
      }
    }
    for dtype in [GEMMType.float32, .float64] {
      let size = dtype == .float32 ? 4 : 8
      func upload(_ values: [Double]) throws -> UnsafeMutableRawPointer {
        let buffer = try runtime.allocate(byteCount: values.count * size)
        if dtype == .float32 {
          try values.map(Float.init).withUnsafeBytes {
            try runtime.copyToDevice(from: $0.baseAddress!, to: buffer, offset: 0, byteCount: $0.count)
          }
        } else {
          try values.withUnsafeBytes {
            try runtime.copyToDevice(from: $0.baseAddress!, to: buffer, offset: 0, byteCount: $0.count)
          }
        }
        return buffer
      }
      let (aBuffer, bBuffer, cBuffer) = (try upload(a), try upload(b), try upload([Double](repeating: 0, count: 8)))
      defer { [aBuffer, bBuffer, cBuffer].forEach(runtime.free) }
      try blas.gemm(
        dtype: dtype, transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1, a: aBuffer, aOffset: 0, lda: 2,
        strideA: 6, b: bBuffer, bOffset: 0, ldb: 3, strideB: 6, beta: 0, c: cBuffer, cOffset: 0, ldc: 2, strideC: 4,
        batchCount: 2)
      var result = [Double](repeating: 0, count: 8)
      if dtype == .float32 {
        var floats = [Float](repeating: 0, count: 8)
        try floats.withUnsafeMutableBytes {
          try runtime.copyToHost(from: cBuffer, offset: 0, to: $0.baseAddress!, byteCount: $0.count)
        }
        result = floats.map(Double.init)
      } else {
        try result.withUnsafeMutableBytes {
          try runtime.copyToHost(from: cBuffer, offset: 0, to: $0.baseAddress!, byteCount: $0.count)
        }
      }
      #expect(result == expected, "\(dtype)")
    }
  }

  @Test(
    "cuBLAS, where found (a PyTorch venv in ./.venv), binds its strided-batched GEMMs",
    .enabled(if: (try? CUBLASLibrary.shared.get()) != nil))
  func cublasBinds() throws {
    let library = try CUBLASLibrary.shared.get()
    #expect(library.path.contains("libcublas.so"))
    #expect(library.api.cublasSgemmStridedBatched != nil && library.api.cublasDgemmStridedBatched != nil)
  }

  @Test("CUDA driver errors become GPUErrors with the same words")
  func errorMapping() {
    #expect(GPUError(CUDAError.noDevice) == .unavailable(CUDAError.noDevice.description))
    #expect(
      GPUError(CUDAError.driverCall(function: "cuMemAlloc_v2", code: 2, message: "out of memory"))
        == .call(runtime: "CUDA", function: "cuMemAlloc_v2", code: 2, message: "out of memory"))
  }

  @Test("launch arguments are marshalled as the kernel's parameter bytes")
  func parameterBytes() {
    #expect(KernelArgument.int32(-2).parameterBytes == [0xFE, 0xFF, 0xFF, 0xFF])
    #expect(KernelArgument.int64(1).parameterBytes == [1, 0, 0, 0, 0, 0, 0, 0])
    #expect(KernelArgument.float32(1).parameterBytes == [0, 0, 0x80, 0x3F])
    #expect(KernelArgument.float64(-2).parameterBytes == [0, 0, 0, 0, 0, 0, 0, 0xC0])
    #expect(KernelArgument.bytes([1, 2, 3]).parameterBytes == [1, 2, 3])
    let pointer = UnsafeMutableRawPointer(bitPattern: 0x1234_5678_9ABC)!
    #expect(KernelArgument.buffer(pointer).parameterBytes == [0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0, 0])
  }
}
