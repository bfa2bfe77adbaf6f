import CKindlingVector
import KindlingStorage
import RealModule

// sigmoid, logit, relu, leakyRelu, gelu, silu, softplus, elu, hardtanh.

struct SigmoidOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { 1 / (1 + C.exp(-x)) }
}

struct LogitOp: FloatUnaryOp {
  let eps: Double?
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    var z = x
    if let eps {
      let lo = C(eps), hi = 1 - C(eps)
      z = z < lo ? lo : (z > hi ? hi : z)
    }
    return C.log(z / (1 - z))
  }
}

/// `max(x, 0)`; NaN stays NaN and `-0.0` stays `-0.0`, as PyTorch's `clamp_min`.
struct ReluOp: SameTypeUnaryOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> C { C.isLess(x, .zero) ? .zero : x }
  var vectorKernel: VectorUnaryKernel? { kindling_relu_f32 }
}

struct LeakyReluOp: FloatUnaryOp {
  let slope: Double
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "LeakyReluOp", parameters: [slope]) }
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { x > 0 ? x : x * C(slope) }
}

/// How ``Tensor/gelu(approximate:)`` computes the Gaussian CDF.
public enum GeluApproximation: String, Sendable {
  /// The exact `x * Φ(x)` through `erf` (`approximate='none'`).
  case none
  /// The tanh approximation (`approximate='tanh'`).
  case tanh
}

struct GeluOp: FloatUnaryOp {
  let approximate: GeluApproximation
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    switch approximate {
    case .none:
      return x * C(0.5) * (1 + C.erf(x * C(0.7071067811865476)))
    case .tanh:
      let inner = C(0.7978845608028654) * (x + C(0.044715) * x * x * x)
      return C(0.5) * x * (1 + C.tanh(inner))
    }
  }
}

struct SiluOp: FloatUnaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C { x / (1 + C.exp(-x)) }
}

struct SoftplusOp: FloatUnaryOp {
  let beta: Double, threshold: Double
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    let scaled = x * C(beta)
    return scaled > C(threshold) ? x : C.log(onePlus: C.exp(scaled)) / C(beta)
  }
}

struct EluOp: FloatUnaryOp {
  let alpha: Double
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    x <= 0 ? C.expMinusOne(x) * C(alpha) : x
  }
}

/// `min(max(x, lower), upper)` with NaN propagating; the bounds are optional (clamp, hardtanh).
struct ClampScalarOp: SameTypeUnaryOp {
  let lower: Double?, upper: Double?
  /// Parameters: the lower bound (-inf when none), the upper bound (+inf when none).
  var deviceFunction: ElementwiseFunction {
    ElementwiseFunction(name: "ClampScalarOp", parameters: [lower ?? -.infinity, upper ?? .infinity])
  }

  /// Bounds for a tensor of `dtype`: on integer dtypes, saturated to the dtype's range, so
  /// that clamping a uint8 tensor at -1 compares as PyTorch does instead of wrapping to 255.
  init(lower: Double?, upper: Double?, dtype: DType) {
    func saturated(_ bound: Double?) -> Double? {
      guard let bound, let range = dtype.integerRange else { return bound }
      return Swift.min(Swift.max(bound, range.lowerBound), range.upperBound)
    }
    self.lower = saturated(lower)
    self.upper = saturated(upper)
  }

  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> C {
    var y = x
    if let lower { y = propagatingMax(y, C(double: lower)) }
    if let upper { y = propagatingMin(y, C(double: upper)) }
    return y
  }
}

extension Tensor {
  /// `1 / (1 + e^-x)` (`sigmoid`); integer inputs give float32.
  ///
  /// ```swift
  /// Tensor([0.0]).sigmoid()   // tensor([0.5000])
  /// ```
  public func sigmoid() -> Tensor { record(floatUnary(SigmoidOp(), name: "sigmoid"), "SigmoidBackward0", self) }

  /// `log(x / (1 - x))`, the inverse of sigmoid (`logit`); with `eps`, inputs are first clamped
  /// to `[eps, 1 - eps]`.
  ///
  /// ```swift
  /// Tensor([0.5, 1.0]).logit()          // tensor([0., inf])
  /// Tensor([1.0]).logit(eps: 0.1)       // tensor([2.1972])
  /// ```
  public func logit(eps: Double? = nil) -> Tensor {
    let out = floatUnary(LogitOp(eps: eps), name: "logit")
    return record(out, "LogitBackward0", self, eps.map { ["eps": $0] } ?? [:])
  }

  /// `max(x, 0)` (`relu`); keeps integer dtypes, refuses bool, and NaN stays NaN.
  ///
  /// ```swift
  /// Tensor([-1.0, 2.0]).relu()   // tensor([0., 2.])
  /// ```
  public func relu() -> Tensor {
    precondition(dtype != .bool, "relu: Boolean inputs not supported for relu")
    return record(sameTypeUnary(ReluOp(), name: "relu"), "ReluBackward0", self)
  }

  /// `x` where positive, else `negativeSlope * x` (`leaky_relu`); floating point only.
  ///
  /// ```swift
  /// Tensor([-2.0, 3.0]).leakyRelu(negativeSlope: 0.1)   // tensor([-0.2000, 3.0000])
  /// ```
  public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
    let out = floatOnlyUnary(LeakyReluOp(slope: negativeSlope), name: "leakyRelu", kernel: "leaky_relu_cpu")
    return record(out, "LeakyReluBackward0", self, ["negativeSlope": negativeSlope])
  }

  /// The Gaussian error linear unit `x * Φ(x)` (`gelu`), exactly or with the tanh
  /// approximation; floating point only.
  ///
  /// ```swift
  /// Tensor([1.0]).gelu()                    // tensor([0.8413])
  /// Tensor([1.0]).gelu(approximate: .tanh)  // tensor([0.8412])
  /// ```
  public func gelu(approximate: GeluApproximation = .none) -> Tensor {
    let out = floatOnlyUnary(GeluOp(approximate: approximate), name: "gelu", kernel: "GeluKernelImpl")
    return record(out, "GeluBackward0", self, ["approximate": approximate.rawValue])
  }

  /// `x * sigmoid(x)` (`silu`, also called swish); floating point only.
  public func silu() -> Tensor {
    record(floatOnlyUnary(SiluOp(), name: "silu", kernel: "silu_cpu"), "SiluBackward0", self)
  }

  /// `log(1 + e^(beta x)) / beta`, and `x` itself where `beta * x > threshold` (`softplus`);
  /// floating point only.
  ///
  /// ```swift
  /// Tensor([0.0, 30.0]).softplus()   // tensor([ 0.6931, 30.0000])
  /// ```
  public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
    let out = floatOnlyUnary(SoftplusOp(beta: beta, threshold: threshold), name: "softplus", kernel: "softplus_cpu")
    return record(out, "SoftplusBackward0", self, ["beta": beta, "threshold": threshold])
  }

  /// `x` where positive, else `alpha * (e^x - 1)` (`elu`); floating point only.
  public func elu(alpha: Double = 1) -> Tensor {
    let out = floatOnlyUnary(EluOp(alpha: alpha), name: "elu", kernel: "elu_cpu")
    return record(out, "EluBackward0", self, ["alpha": alpha])
  }

  /// `clamp(x, min, max)` (`hardtanh`); keeps integer dtypes, refuses bool.
  ///
  /// ```swift
  /// Tensor([-3.0, 0.5, 3.0]).hardtanh()   // tensor([-1.0000,  0.5000,  1.0000])
  /// ```
  public func hardtanh(min: Double = -1, max: Double = 1) -> Tensor {
    precondition(dtype != .bool, "hardtanh: Bool inputs not supported for hardtanh")
    let out = sameTypeUnary(ClampScalarOp(lower: min, upper: max, dtype: dtype), name: "hardtanh")
    return record(out, "HardtanhBackward0", self, ["min": min, "max": max])
  }

  // MARK: In place

  /// `relu` in place (`relu_`).
  @discardableResult
  public func relu_() -> Tensor {
    precondition(dtype != .bool, "relu_: Boolean inputs not supported for relu")
    return rebasingHistory("relu_", outOfPlace: { $0.relu() }) { sameTypeUnary(ReluOp(), name: "relu_", into: self) }
  }

  /// `sigmoid` in place (`sigmoid_`).
  @discardableResult
  public func sigmoid_() -> Tensor {
    rebasingHistory("sigmoid_", outOfPlace: { $0.sigmoid() }) { floatUnary(SigmoidOp(), name: "sigmoid_", into: self) }
  }
}

extension DType {
  /// The values an integer dtype holds, as doubles; `nil` for floating point and bool.
  var integerRange: ClosedRange<Double>? {
    switch self {
    case .uint8: 0...255
    case .int8: -128...127
    case .int16: -32768...32767
    case .int32: -2_147_483_648...2_147_483_647
    case .int64: -9_223_372_036_854_775_808...9_223_372_036_854_774_784
    default: nil
    }
  }
}
