import KindlingStorage
import RealModule

// floor, ceil, round, trunc, frac, sign, abs. Integer inputs keep their dtype (floor, ceil,
// round, trunc return a copy); frac and round(decimals:) are floating point only.

struct RoundOp: FloatUnaryOp {
  let rule: FloatingPointRoundingRule
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { x.rounded(rule) }
}

/// PyTorch's `round(decimals=)`: `nearbyint(x * 10^d) / 10^d`, or `nearbyint(x / 10^-d) * 10^-d`
/// for negative `d`, in the compute type.
struct RoundDecimalsOp: FloatUnaryOp {
  let decimals: Int
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    let scale = C(Double.pow(10, Double(abs(decimals))))
    return decimals < 0
      ? (x / scale).rounded(.toNearestOrEven) * scale : (x * scale).rounded(.toNearestOrEven) / scale
  }
}

struct FracOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { x - x.rounded(.towardZero) }
}

/// -1, 0 or 1; NaN gives 0 and bool stays as it is, as in PyTorch.
struct SignOp: SameTypeUnaryOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> C {
    C.isLess(.zero, x) ? .one : (C.isLess(x, .zero) ? C.negate(.one) : .zero)
  }
}

/// `|x|`; the most negative integer stays itself (wrapping), as in PyTorch.
struct AbsOp: SameTypeUnaryOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> C { C.isLess(x, .zero) ? C.negate(x) : x }
}

extension Tensor {
  func rounding(_ rule: FloatingPointRoundingRule, name: String, backward: String) -> Tensor {
    precondition(dtype != .bool, "\(name): \"\(name)_vml_cpu\" not implemented for 'Bool'")
    let out = dtype.isFloatingPoint ? floatUnary(RoundOp(rule: rule), name: name) : clone()
    return record(out, backward, [self])
  }

  /// The largest integer not above each element (`floor`); integer tensors are copied.
  ///
  /// ```swift
  /// Tensor([-1.5, 1.5]).floor()   // tensor([-2.,  1.])
  /// ```
  public func floor() -> Tensor { rounding(.down, name: "floor", backward: "FloorBackward0") }
  /// The smallest integer not below each element (`ceil`).
  public func ceil() -> Tensor { rounding(.up, name: "ceil", backward: "CeilBackward0") }
  /// Rounds toward zero (`trunc`).
  public func trunc() -> Tensor { rounding(.towardZero, name: "trunc", backward: "TruncBackward0") }

  /// Rounds half to even (`round`); with `decimals`, to that many decimal places (negative
  /// rounds to tens, hundreds, …; floating point only).
  ///
  /// ```swift
  /// Tensor([0.5, 1.5, 2.5]).round()           // tensor([0., 2., 2.])
  /// Tensor([1.2345]).round(decimals: 2)       // tensor([1.2300])
  /// ```
  public func round(decimals: Int = 0) -> Tensor {
    if decimals == 0 { return rounding(.toNearestOrEven, name: "round", backward: "RoundBackward0") }
    Tensor.checkImplemented(dtype.isFloatingPoint, op: "round", kernel: "round_cpu", dtype: dtype)
    let out = floatUnary(RoundDecimalsOp(decimals: decimals), name: "round")
    return record(out, "RoundBackward1", self, ["decimals": decimals])
  }

  /// The fractional part `x - trunc(x)`, with the sign of `x` (`frac`); floating point only.
  public func frac() -> Tensor {
    record(floatOnlyUnary(FracOp(), name: "frac", kernel: "frac_cpu"), "FracBackward0", self)
  }

  /// -1, 0 or 1 by the sign of each element (`sign`); NaN gives 0, dtype is kept.
  ///
  /// ```swift
  /// Tensor([-3, 0, 5]).sign()   // tensor([-1,  0,  1])
  /// ```
  public func sign() -> Tensor { record(sameTypeUnary(SignOp(), name: "sign"), "SignBackward0", self) }

  /// The absolute value (`abs`); keeps integer dtypes, refuses bool.
  ///
  /// ```swift
  /// Tensor([-2, 3]).abs()   // tensor([2, 3])
  /// ```
  public func abs() -> Tensor {
    Tensor.checkImplemented(dtype != .bool, op: "abs", kernel: "abs_cpu", dtype: dtype)
    return record(sameTypeUnary(AbsOp(), name: "abs"), "AbsBackward0", self)
  }

  // MARK: In place

  /// `abs` in place (`abs_`).
  @discardableResult
  public func abs_() -> Tensor {
    Tensor.checkImplemented(dtype != .bool, op: "abs_", kernel: "abs_cpu", dtype: dtype)
    return rebasingHistory("abs_", outOfPlace: { $0.abs() }) { sameTypeUnary(AbsOp(), name: "abs_", into: self) }
  }

  /// `neg` in place (`neg_`).
  @discardableResult
  public func neg_() -> Tensor {
    precondition(
      dtype != .bool,
      "neg_: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
        + "the `~` or `logicalNot()` operator instead.")
    return rebasingHistory("neg_", outOfPlace: { $0.neg() }) { sameTypeUnary(NegOp(), name: "neg_", into: self) }
  }
}
