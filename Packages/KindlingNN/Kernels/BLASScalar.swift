import CKindlingVector
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// The element types the convolution and pooling kernels run on (float32 and float64), with
/// KindlingTensor's row-major GEMM `c = alpha·op(a)·op(b) + beta·c` for each
/// (``BLASFloat/gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:threads:)``, split
/// across `BLAS.threadCount` threads).
protocol KernelFloat: BLASFloat {
  /// The sum of `count` contiguous elements in double, by KindlingTensor's sum loop (16
  /// accumulators added in a fixed order).
  static func sum(_ elements: UnsafePointer<Self>, count: Int) -> Double
}

extension Float: KernelFloat {
  static func sum(_ elements: UnsafePointer<Float>, count: Int) -> Double { kindling_sum_f32(elements, count) }
}

extension Double: KernelFloat {
  static func sum(_ elements: UnsafePointer<Double>, count: Int) -> Double { kindling_sum_f64(elements, count) }
}

extension Tensor {
  /// The first element's address as `T` (the tensor's dtype), for the kernels in this module.
  func elements<T>(as _: T.Type) -> UnsafeMutablePointer<T> { storage.pointer(as: T.self) + storageOffset }
}

/// Runs `body` on disjoint ranges covering `0..<count`, one per thread, on up to `threads`
/// threads (on this thread alone when that is 1).
func parallelRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
  Parallel.ranges(count, threads: threads, body)
}

/// Processors the kernels split their work over.
let kernelCoreCount: Int = {
  #if canImport(Glibc)
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  #else
    1
  #endif
}()

/// The kernels' element type for a tensor's dtype, or a stop with PyTorch's message.
func floatKernel<R>(
  _ dtype: DType, op: String, float: () -> R, double: () -> R
) -> R {
  switch dtype {
  case .float32: return float()
  case .float64: return double()
  default: preconditionFailure("\"\(op)\" not implemented for '\(dtype.pytorchTitle)'")
  }
}
