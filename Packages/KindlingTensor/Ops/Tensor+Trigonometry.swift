import KindlingStorage
import RealModule

// sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, atan2, hypot. Integer inputs compute in
// float32, except `hypot`, which PyTorch implements for floating-point dtypes only.

/// Which circular or hyperbolic function a ``TrigOp`` computes.
enum TrigFunction: Sendable {
  case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh
}

struct TrigOp: FloatUnaryOp {
  let function: TrigFunction
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "TrigOp.\(function)") }
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    switch function {
    case .sin: C.sin(x)
    case .cos: C.cos(x)
    case .tan: C.tan(x)
    case .asin: C.asin(x)
    case .acos: C.acos(x)
    case .atan: C.atan(x)
    case .sinh: C.sinh(x)
    case .cosh: C.cosh(x)
    case .tanh: C.tanh(x)
    }
  }
}

struct Atan2Op: FloatBinaryOp {
  func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C { C.atan2(y: a, x: b) }
}

struct HypotOp: FloatBinaryOp {
  func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C { C.hypot(a, b) }
}

extension Tensor {
  func trig(_ function: TrigFunction, _ name: String, _ backward: String) -> Tensor {
    record(floatUnary(TrigOp(function: function), name: name), backward, self)
  }

  /// The sine, in radians (`sin`); integer inputs give float32.
  ///
  /// ```swift
  /// Tensor([0.0, Double.pi / 2]).sin()   // tensor([0., 1.])
  /// ```
  public func sin() -> Tensor { trig(.sin, "sin", "SinBackward0") }
  /// The cosine (`cos`).
  public func cos() -> Tensor { trig(.cos, "cos", "CosBackward0") }
  /// The tangent (`tan`).
  public func tan() -> Tensor { trig(.tan, "tan", "TanBackward0") }
  /// The arcsine (`asin`); NaN outside [-1, 1].
  public func asin() -> Tensor { trig(.asin, "asin", "AsinBackward0") }
  /// The arccosine (`acos`); NaN outside [-1, 1].
  public func acos() -> Tensor { trig(.acos, "acos", "AcosBackward0") }
  /// The arctangent (`atan`).
  public func atan() -> Tensor { trig(.atan, "atan", "AtanBackward0") }
  /// The hyperbolic sine (`sinh`).
  public func sinh() -> Tensor { trig(.sinh, "sinh", "SinhBackward0") }
  /// The hyperbolic cosine (`cosh`).
  public func cosh() -> Tensor { trig(.cosh, "cosh", "CoshBackward0") }
  /// The hyperbolic tangent (`tanh`).
  ///
  /// ```swift
  /// Tensor([0.0, 100.0]).tanh()   // tensor([0., 1.])
  /// ```
  public func tanh() -> Tensor { trig(.tanh, "tanh", "TanhBackward0") }

  /// The angle of the point (`other`, `self`): `atan(self / other)` in the right quadrant
  /// (`atan2`); broadcasts, and integer inputs give float32.
  ///
  /// ```swift
  /// Tensor([1.0]).atan2(Tensor([-1.0]))   // tensor([2.3562])
  /// ```
  public func atan2(_ other: Tensor) -> Tensor {
    let out = Tensor.binary(self, other, op: "atan2", typing: .promotedToFloat) { a, b, out in
      out.dtype.dispatchFloat(FloatBinaryKernel(op: Atan2Op(), a: a, b: b, out: out), op: "atan2")
    }
    return record(out, "Atan2Backward0", self, other)
  }

  /// `sqrt(self² + other²)` without overflow (`hypot`); floating-point tensors only.
  ///
  /// ```swift
  /// Tensor([3.0]).hypot(Tensor([4.0]))   // tensor([5.])
  /// ```
  public func hypot(_ other: Tensor) -> Tensor {
    let compute = Tensor.resultType([self, other])
    Tensor.checkImplemented(compute.isFloatingPoint, op: "hypot", kernel: "hypot_cpu", dtype: compute)
    let out = Tensor.binary(self, other, op: "hypot", typing: .promoted) { a, b, out in
      out.dtype.dispatchFloat(FloatBinaryKernel(op: HypotOp(), a: a, b: b, out: out), op: "hypot")
    }
    return record(out, "HypotBackward0", self, other)
  }

  /// `tanh` in place (`tanh_`).
  @discardableResult
  public func tanh_() -> Tensor {
    rebasingHistory("tanh_", outOfPlace: { $0.tanh() }) { floatUnary(TrigOp(function: .tanh), name: "tanh_", into: self) }
  }
}
