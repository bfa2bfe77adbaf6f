import CKindlingLAPACK
import KindlingTensor

/// The element types LAPACK works on here: float32 and float64.
///
/// Each family of functions declares the LAPACK routines it calls in a protocol of its own that
/// refines this one (one requirement per routine, implemented for `Float` with the `s…` routine
/// and for `Double` with the `d…` one), so a function is written once, generically.
protocol LinalgScalar: TensorScalar, BinaryFloatingPoint {}

extension Float: LinalgScalar {}
extension Double: LinalgScalar {}

/// Work written once over ``LinalgScalar`` and run for a tensor's dtype (see ``Linalg/dispatch(_:_:op:)``).
protocol LinalgVisitor {
  associatedtype Result
  func visit<T: LinalgScalar>(_ type: T.Type) throws(LinalgError) -> Result
}

extension Linalg {
  /// Runs `visitor` with the element type of `dtype`, stopping with PyTorch's message for
  /// dtypes LAPACK does not take.
  static func dispatch<V: LinalgVisitor>(_ dtype: DType, _ visitor: V, op: String) throws(LinalgError) -> V.Result {
    switch dtype {
    case .float32: return try visitor.visit(Float.self)
    case .float64: return try visitor.visit(Double.self)
    default: preconditionFailure("\(op): Expected a floating point or complex tensor as input. Got \(dtype.pytorchTitle)")
    }
  }
}
