import CKindlingVector
import KindlingStorage
import RealModule

// exp, exp2, log, log2, log10, log1p, expm1, sqrt, rsqrt, square, reciprocal. Integer and bool
// inputs compute in float32, as `torch.exp(int_tensor)`; `square` is `pow(2)` and keeps integers.

struct ExpOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    // Float takes the vectorizable kernel; the check folds away when the op is specialized.
    if C.self == Float.self { return unsafeBitCast(VectorMath.exp(unsafeBitCast(x, to: Float.self)), to: C.self) }
    return C.exp(x)
  }
  var vectorKernel: VectorUnaryKernel? { kindling_exp_f32 }
}
struct Exp2Op: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.exp2(x) }
}
struct LogOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.log(x) }
}
struct Log2Op: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.log2(x) }
}
struct Log10Op: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.log10(x) }
}
struct Log1pOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.log(onePlus: x) }
}
struct Expm1Op: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { C.expMinusOne(x) }
}
struct SqrtOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { x.squareRoot() }
}
struct RsqrtOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { 1 / x.squareRoot() }
}
struct ReciprocalOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { 1 / x }
}

extension Tensor {
  /// `e^x` elementwise (`exp`); integer inputs give float32.
  ///
  /// ```swift
  /// Tensor([0.0, 1.0]).exp()   // tensor([1.0000, 2.7183])
  /// ```
  public func exp() -> Tensor { record(floatUnary(ExpOp(), name: "exp"), "ExpBackward0", self) }
  /// `2^x` (`exp2`).
  public func exp2() -> Tensor { record(floatUnary(Exp2Op(), name: "exp2"), "Exp2Backward0", self) }
  /// The natural logarithm (`log`); negative inputs give NaN, zero gives `-inf`.
  ///
  /// ```swift
  /// Tensor([1.0, 0.0]).log()   // tensor([0., -inf])
  /// ```
  public func log() -> Tensor { record(floatUnary(LogOp(), name: "log"), "LogBackward0", self) }
  /// The base-2 logarithm (`log2`).
  public func log2() -> Tensor { record(floatUnary(Log2Op(), name: "log2"), "Log2Backward0", self) }
  /// The base-10 logarithm (`log10`).
  public func log10() -> Tensor { record(floatUnary(Log10Op(), name: "log10"), "Log10Backward0", self) }
  /// `log(1 + x)`, accurate near zero (`log1p`).
  public func log1p() -> Tensor { record(floatUnary(Log1pOp(), name: "log1p"), "Log1PBackward0", self) }
  /// `e^x - 1`, accurate near zero (`expm1`).
  public func expm1() -> Tensor { record(floatUnary(Expm1Op(), name: "expm1"), "Expm1Backward0", self) }
  /// The square root (`sqrt`); negative inputs give NaN.
  ///
  /// ```swift
  /// Tensor([4, 9]).sqrt()   // tensor([2., 3.])
  /// ```
  public func sqrt() -> Tensor { record(floatUnary(SqrtOp(), name: "sqrt"), "SqrtBackward0", self) }
  /// `1 / sqrt(x)` (`rsqrt`).
  public func rsqrt() -> Tensor { record(floatUnary(RsqrtOp(), name: "rsqrt"), "RsqrtBackward0", self) }
  /// `1 / x` (`reciprocal`); integer inputs give float32.
  public func reciprocal() -> Tensor {
    record(floatUnary(ReciprocalOp(), name: "reciprocal"), "ReciprocalBackward0", self)
  }
  /// `x * x` (`square`, which is `pow(2)`): integers stay integers and bool becomes int64.
  ///
  /// ```swift
  /// Tensor([-3, 2]).square()   // tensor([9, 4])
  /// ```
  public func square() -> Tensor { pow(2) }

  // MARK: In place

  /// `exp` in place (`exp_`); the tensor must be floating point.
  @discardableResult
  public func exp_() -> Tensor {
    rebasingHistory("exp_", outOfPlace: { $0.exp() }) { floatUnary(ExpOp(), name: "exp_", into: self) }
  }
  /// `sqrt` in place (`sqrt_`).
  @discardableResult
  public func sqrt_() -> Tensor {
    rebasingHistory("sqrt_", outOfPlace: { $0.sqrt() }) { floatUnary(SqrtOp(), name: "sqrt_", into: self) }
  }
  /// `log` in place (`log_`).
  @discardableResult
  public func log_() -> Tensor {
    rebasingHistory("log_", outOfPlace: { $0.log() }) { floatUnary(LogOp(), name: "log_", into: self) }
  }
}
