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
  /// checked the dtype with PyTorch's message already). `order` is the order of the matrices it
  /// factors (the smaller side of a rectangular one): from ``wideOrder`` up, OpenBLAS runs the
  /// call on ``BLAS/threadCount`` threads, below it on one.
  ///
  /// LAPACK's routines in OpenBLAS are mostly reference LAPACK over BLAS calls on thin panels,
  /// which OpenBLAS's thread pool slows down on small matrices and speeds up on large ones.
  /// Measured on 2 cores, interleaved, float32, the fastest of several calls, one thread against
  /// two: at n = 256 `potrf` 118 against 134 µs, `syevd` 3.03 against 3.11 ms, `gesdd` 5.7
  /// against 6.1 ms; at n = 512 `potrf` 728 against 628 µs, `syevd` 18.2 against 15.7 ms,
  /// `gesdd` 37.6 against 33.9 ms; at n = 1024 `potrf` 5.0 against 4.0 ms, `syevd` 128 against
  /// 96 ms, `gesdd` 299 against 237 ms. OpenBLAS otherwise stays on one thread for Kindling
  /// (``BLAS/threadCount`` splits Kindling's own GEMMs).
  static func lapackDispatch<V: LAPACKVisitor>(_ dtype: DType, _ visitor: V, op: String, order: Int) -> V.Result {
    BLAS.pinOpenBLAS()
    func run() -> V.Result {
      switch dtype {
      case .float32: return visitor.visit(Float.self)
      case .float64: return visitor.visit(Double.self)
      default:
        preconditionFailure("\(op): Expected a floating point or complex tensor as input. Got \(dtype.pytorchTitle)")
      }
    }
    return order >= wideOrder ? BLAS.withOpenBLASThreads { run() } : run()
  }

  /// The matrix order from which LAPACK calls run on OpenBLAS's threads (see
  /// ``lapackDispatch(_:_:op:order:)``).
  static let wideOrder = 512

  /// `body` on OpenBLAS's threads for a matrix of order ``wideOrder`` and up, else on one: for
  /// kernels dispatched with order 0 that mix LAPACK calls with splits of their own.
  static func onOpenBLASThreads<R>(order: Int, _ body: () -> R) -> R {
    order >= wideOrder ? BLAS.withOpenBLASThreads { body() } : body()
  }
}
