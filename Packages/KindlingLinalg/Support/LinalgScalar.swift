import CKindlingLAPACK
import KindlingTensor

/// The element types LAPACK works on here: float32 and float64.
///
/// Each family of functions declares the LAPACK routines it calls in a protocol of its own that
/// refines this one (one requirement per routine, implemented for `Float` with the `s…` routine
/// and for `Double` with the `d…` one): ``FactorizationScalar``, ``DecompositionScalar``,
/// ``SVDScalar``. ``LAPACKScalar`` joins them, so a kernel is written once, generically, and run
/// for a tensor's dtype by ``Linalg/lapackDispatch(_:_:op:)``.
protocol LinalgScalar: TensorScalar, BinaryFloatingPoint {}

/// Every LAPACK routine KindlingLinalg calls, for float32 and float64.
protocol LAPACKScalar: FactorizationScalar, DecompositionScalar, SVDScalar {}

extension Float: LAPACKScalar {}
extension Double: LAPACKScalar {}

/// LAPACK work written once over ``LAPACKScalar`` and run for a tensor's dtype.
protocol LAPACKVisitor {
  associatedtype Result
  func visit<T: LAPACKScalar>(_ type: T.Type) -> Result
}

extension Linalg {
  /// Runs `visitor` with the element type of `dtype` (float32 or float64; the callers have
  /// checked the dtype with PyTorch's message already), with OpenBLAS on one thread.
  ///
  /// LAPACK's routines in OpenBLAS are mostly reference LAPACK over BLAS calls on thin panels,
  /// which OpenBLAS's thread pool slows down (measured here: `eigh` of a 64×64 matrix 199 µs on
  /// one thread, 343 µs on two; `cholesky` of 1024×1024 8.3 ms against 10.3 ms), so every LAPACK
  /// call runs single-threaded. OpenBLAS stays on one thread for Kindling (``BLAS/threadCount``
  /// only splits Kindling's own GEMMs), so this only makes sure it has been set to one before the
  /// first LAPACK call of a program that has run no matrix product yet.
  static func lapackDispatch<V: LAPACKVisitor>(_ dtype: DType, _ visitor: V, op: String) -> V.Result {
    BLAS.pinOpenBLAS()
    switch dtype {
    case .float32: return visitor.visit(Float.self)
    case .float64: return visitor.visit(Double.self)
    default:
      preconditionFailure("\(op): Expected a floating point or complex tensor as input. Got \(dtype.pytorchTitle)")
    }
  }
}
