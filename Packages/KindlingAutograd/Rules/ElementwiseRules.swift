import KindlingTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Unary math, activations, rounding, pow, min/max/clamp/lerp, remainder/fmod, where, masked
// fills and nan_to_num: the formulas of PyTorch's derivatives.yaml and FunctionsManual.cpp,
// with their special cases (checked against PyTorch 2.15).

let elementwiseRules: [String: GradientRule] =
  exponentialRules
  .merging(trigonometricRules) { _, _ in preconditionFailure("two elementwise rules share a name") }
  .merging(activationRules) { _, _ in preconditionFailure("two elementwise rules share a name") }
  .merging(roundingRules) { _, _ in preconditionFailure("two elementwise rules share a name") }
  .merging(powRules) { _, _ in preconditionFailure("two elementwise rules share a name") }
  .merging(selectionRules) { _, _ in preconditionFailure("two elementwise rules share a name") }

// Number constants are typed: an untyped `1 - weight` next to tensors can resolve to a float32
// tensor literal.
private let ln2: Double = 0.693147180559945309417232121458176568
private let ln10: Double = 2.30258509299404568401799145468436421

// MARK: - exp, log, sqrt

private let exponentialRules: [String: GradientRule] = [
  "ExpBackward0": { c in [c.grad * c.output] },
  "Exp2Backward0": { c in [c.grad * c.output * ln2] },
  "Expm1Backward0": { c in [c.grad * (c.output + 1)] },
  "LogBackward0": { c in [c.grad / c.input] },
  "Log2Backward0": { c in [c.grad / (c.input * ln2)] },
  "Log10Backward0": { c in [c.grad / (c.input * ln10)] },
  "Log1PBackward0": { c in [c.grad / (c.input + 1)] },
  "SqrtBackward0": { c in [c.grad / (2 * c.output)] },
  "RsqrtBackward0": { c in [-0.5 * c.grad * c.output.pow(3)] },
  "ReciprocalBackward0": { c in
    let y = c.output
    return [-c.grad * (y * y)]
  },
]

// MARK: - Circular and hyperbolic functions

private let trigonometricRules: [String: GradientRule] = [
  "SinBackward0": { c in [c.grad * c.input.cos()] },
  "CosBackward0": { c in [c.grad * -c.input.sin()] },
  "TanBackward0": { c in [c.grad * (1 + c.output.pow(2))] },
  "AsinBackward0": { c in
    let x = c.input
    return [c.grad * (-x * x + 1).rsqrt()]
  },
  "AcosBackward0": { c in
    let x = c.input
    return [c.grad * -((-x * x + 1).rsqrt())]
  },
  "AtanBackward0": { c in
    let x = c.input
    return [c.grad / (x * x + 1)]
  },
  "SinhBackward0": { c in [c.grad * c.input.cosh()] },
  "CoshBackward0": { c in [c.grad * c.input.sinh()] },
  "TanhBackward0": { c in
    let y = c.output
    return [c.grad * (1 - y * y)]
  },
  // d atan2(a, b) = (b da - a db) / (a² + b²); where a² + b² is 0 (or underflows) PyTorch
  // gives 0, not NaN.
  "Atan2Backward0": { c in
    let (a, b) = (c.inputs[0], c.inputs[1])
    let denominator = a * a + b * b
    let recip = Tensor.where(denominator .== 0, 0.0, denominator.reciprocal())
    return [c.needs(0) ? c.grad * b * recip : nil, c.needs(1) ? c.grad * -a * recip : nil]
  },
  // d hypot(a, b) = (a da + b db) / hypot(a, b): NaN at (0, 0), as in PyTorch.
  "HypotBackward0": { c in
    let (a, b, y) = (c.inputs[0], c.inputs[1], c.output)
    return [c.needs(0) ? c.grad * a / y : nil, c.needs(1) ? c.grad * b / y : nil]
  },
]

// MARK: - Activations

private let activationRules: [String: GradientRule] = [
  "SigmoidBackward0": { c in
    let y = c.output
    return [c.grad * (1 - y) * y]
  },
  // 1 / (x (1 - x)) inside the clamped range [eps, 1 - eps] (0 outside); without eps, NaN
  // outside [0, 1] and ±inf at 0 and 1.
  "LogitBackward0": { c in
    let x = c.input
    let eps: Double? = c.optionalAttribute("eps")
    let lo: Double = eps ?? 0
    let hi: Double = 1 - lo
    let inside = (x .>= lo).logicalAnd(x .<= hi)
    let derivative = c.grad / (x * (1 - x))
    return [eps == nil ? Tensor.where(inside, derivative, .nan) : Tensor.where(inside, derivative, 0.0)]
  },
  // threshold_backward on the result: 0 where relu(x) <= 0 (so at 0 too); NaN passes.
  "ReluBackward0": { c in [Tensor.thresholdBackward(c.grad, c.output, threshold: 0)] },
  // threshold_backward(grad, input): linear in grad; zero gradient for the input.
  "ThresholdBackwardBackward0": { c in
    let threshold: Double = c.attribute("threshold")
    return [
      c.needs(0) ? Tensor.thresholdBackward(c.grad, c.inputs[1], threshold: threshold) : nil,
      c.needs(1) ? Tensor.zerosLike(c.grad) : nil,
    ]
  },
  "LeakyReluBackward0": { c in
    let slope: Double = c.attribute("negativeSlope")
    return [Tensor.where(c.input .> 0, c.grad, c.grad * slope)]
  },
  "GeluBackward0": { c in
    let approximate: String = c.attribute("approximate")
    return [approximate == "tanh" ? geluTanhBackward(c.grad, c.input) : geluBackward(c.grad, c.input, c.output)]
  },
  "SiluBackward0": { c in
    let x = c.input
    let s = x.sigmoid()
    return [c.grad * s * (1 + x * (1 - s))]
  },
  // The gradient passes unchanged where beta x > threshold (where the forward is x itself).
  "SoftplusBackward0": { c in
    let beta: Double = c.attribute("beta")
    let threshold: Double = c.attribute("threshold")
    let scaled = c.input * beta
    return [Tensor.where(scaled .> threshold, c.grad, c.grad * scaled.sigmoid())]
  },
  "EluBackward0": { c in
    let alpha: Double = c.attribute("alpha")
    let x = c.input
    // PyTorch's vectorized kernel takes the exponential branch for NaN (NaN gradient).
    return [Tensor.where(x .> 0, c.grad, c.grad * alpha * x.exp())]
  },
  // The gradient passes strictly inside (min, max): 0 at the bounds, and 0 for NaN as in
  // PyTorch's vectorized kernel (its scalar tail loop lets NaN through).
  "HardtanhBackward0": { c in
    let lower: Double = c.attribute("min")
    let upper: Double = c.attribute("max")
    let x = c.input
    return [Tensor.where((x .> lower).logicalAnd(x .< upper), c.grad, 0.0)]
  },
]

/// The exact GELU's derivative `Φ(x) + x φ(x)`. `Φ(x)` is read off the output `x Φ(x)`
/// (there is no public `erf`); at 0 it is 1/2.
private func geluBackward(_ grad: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
  let kBeta: Double = 0.5 * 1.12837916709551257389615890312154517 * 0.707106781186547524400844362104849039
  let isZero = x .== 0
  let cdf = Tensor.where(isZero, 0.5, y / Tensor.where(isZero, 1.0, x))
  let pdf = (x * x * -0.5).exp() * kBeta
  return grad * (cdf + x * pdf)
}

/// The tanh-approximated GELU's derivative, in PyTorch's order of operations.
private func geluTanhBackward(_ grad: Tensor, _ x: Tensor) -> Tensor {
  let kBeta: Double = 1.41421356237309504880168872420969808 * 1.12837916709551257389615890312154517 * 0.5
  let kKappa: Double = 0.044715
  let threeKappa: Double = 3 * kKappa
  let xSquared = x * x
  let inner = kBeta * (x + kKappa * (xSquared * x))
  let t = inner.tanh()
  let leftDerivative = 0.5 * (1 + t)
  let rightDerivative = 0.5 * x * (1 - t * t) * (kBeta * (1 + threeKappa * xSquared))
  return grad * (leftDerivative + rightDerivative)
}

// MARK: - Rounding, sign, abs

/// The rule of a piecewise-constant op: a zero gradient (PyTorch's `zeros_like(grad)`).
private let zeroGradient: GradientRule = { c in [Tensor.zerosLike(c.grad)] }

private let roundingRules: [String: GradientRule] = [
  "FloorBackward0": zeroGradient,
  "CeilBackward0": zeroGradient,
  "RoundBackward0": zeroGradient,
  "RoundBackward1": zeroGradient,
  "TruncBackward0": zeroGradient,
  "SignBackward0": zeroGradient,
  // x - trunc(x): the gradient passes.
  "FracBackward0": { c in [c.grad] },
  // grad * sgn(x): 0 at 0 (and at NaN).
  "AbsBackward0": { c in [c.grad * c.input.sign()] },
  "NanToNumBackward0": { c in [c.grad * c.input.isfinite()] },
]

// MARK: - pow

private let powRules: [String: GradientRule] = [
  // x^e for a number e: e x^(e-1), and exactly 0 for e = 0 (even at x = 0).
  "PowBackward0": { c in
    let exponent: Double = c.attribute("exponent")
    if exponent == 0 { return [Tensor.zerosLike(c.grad)] }
    let lowered: Double = exponent - 1
    return [c.grad * (exponent * c.input.pow(lowered))]
  },
  "PowBackward1": { c in
    let (x, e, y) = (c.inputs[0], c.inputs[1], c.output)
    let dx = c.needs(0) ? Tensor.where(e .== 0, 0.0, c.grad * (e * x.pow(e - 1))) : nil
    // x^e log x, taken as 0 where x = 0 and e >= 0 (NaN for negative bases).
    let de = c.needs(1) ? exponentGradient(c.grad, base: x.to(y.dtype), result: y, exponent: e) : nil
    return [dx, de]
  },
  "PowBackward2": { c in
    let base: Double = c.attribute("self")
    let y = c.output
    let logBase: Double = log(base)
    let scaled = y * logBase
    return [c.grad * (base == 0 ? Tensor.where(c.input .>= 0, 0.0, scaled) : scaled)]
  },
]

private func exponentGradient(_ grad: Tensor, base x: Tensor, result y: Tensor, exponent e: Tensor) -> Tensor {
  let atZero = (x .== 0).logicalAnd(e .>= 0)
  return grad * Tensor.where(atZero, 0.0, y * x.log())
}

// MARK: - maximum, minimum, clamp, lerp, remainder, fmod, where, masked fill

private let selectionRules: [String: GradientRule] = [
  "MaximumBackward0": { c in
    extremumBackward(c.grad, c.inputs[0], c.inputs[1], larger: true, needs: (c.needs(0), c.needs(1)))
  },
  "MinimumBackward0": { c in
    extremumBackward(c.grad, c.inputs[0], c.inputs[1], larger: false, needs: (c.needs(0), c.needs(1)))
  },
  // Number bounds: the gradient passes strictly inside (min, max), 0 at the bounds and for NaN.
  "ClampBackward1": { c in
    let x = c.input
    var inside: Tensor?
    if let lower: Double = c.optionalAttribute("min") { inside = x .> lower }
    if let upper: Double = c.optionalAttribute("max") {
      inside = inside.map { $0.logicalAnd(x .< upper) } ?? (x .< upper)
    }
    return [inside.map { Tensor.where($0, c.grad, 0.0) } ?? c.grad]
  },
  "ClampBackward0": { c in
    if c.inputs.count == 3 { return clampBackward(c) }
    // One tensor bound, recorded without saying which: clamp(min:) is maximum(x, min) and
    // clamp(max:) is minimum(x, max), and the output tells them apart (where both agree with
    // it, x equals the bound and the two rules give the same gradients).
    let (x, bound, y) = (c.inputs[0], c.inputs[1], c.output)
    let isMin = noGrad { (x.maximum(bound) .== y).logicalOr(y.isnan()).all().item(as: Bool.self) }
    return extremumBackward(c.grad, x, bound, larger: isMin, needs: (c.needs(0), c.needs(1)))
  },
  "LerpBackward0": { c in
    let weight: Double = c.attribute("weight")
    let complement: Double = 1 - weight
    return [c.needs(0) ? c.grad * complement : nil, c.needs(1) ? c.grad * weight : nil]
  },
  "LerpBackward1": { c in
    let (start, end, weight) = (c.inputs[0], c.inputs[1], c.inputs[2])
    return [
      c.needs(0) ? c.grad * (1 - weight) : nil, c.needs(1) ? c.grad * weight : nil,
      c.needs(2) ? c.grad * (end - start) : nil,
    ]
  },
  "RemainderBackward0": { c in [c.grad] },
  "RemainderBackward1": { c in
    [c.grad, c.needs(1) ? -c.grad * c.inputs[0].div(c.inputs[1], roundingMode: .floor) : nil]
  },
  "FmodBackward0": { c in [c.grad] },
  "FmodBackward1": { c in
    [c.grad, c.needs(1) ? -c.grad * c.inputs[0].div(c.inputs[1], roundingMode: .trunc) : nil]
  },
  "WhereBackward0": { c in
    let condition: Tensor = c.attribute("condition")
    return [
      c.needs(0) ? Tensor.where(condition, c.grad, 0.0) : nil, c.needs(1) ? Tensor.where(condition, 0.0, c.grad) : nil,
    ]
  },
  "MaskedFillBackward0": { c in
    let mask: Tensor = c.attribute("mask")
    return [c.grad.maskedFill(mask, 0)]
  },
  "MaskedFillBackward1": { c in
    let mask: Tensor = c.attribute("mask")
    return [
      c.needs(0) ? c.grad.maskedFill(mask, 0) : nil, c.needs(1) ? Tensor.where(mask, c.grad, 0.0).sum() : nil,
    ]
  },
]

/// maximum's (`larger`) or minimum's gradients: the input that wins takes the gradient, ties
/// split it in halves, and where either is NaN both take it.
private func extremumBackward(
  _ grad: Tensor, _ a: Tensor, _ b: Tensor, larger: Bool, needs: (Bool, Bool)
) -> InlineList<Tensor?> {
  let split = Tensor.where(a .== b, grad / 2, grad)
  return [
    needs.0 ? split.maskedFill(larger ? a .< b : a .> b, 0) : nil,
    needs.1 ? split.maskedFill(larger ? a .> b : a .< b, 0) : nil,
  ]
}

/// clamp with both tensor bounds: x takes the gradient inside [min, max] and the bound it is
/// clamped to outside; a tie with a bound (min < max) splits it in halves; where min > max,
/// max takes it. NaN in x passes the gradient to x; a NaN bound gives the bounds nothing.
private func clampBackward(_ c: GradientContext) -> InlineList<Tensor?> {
  let (x, lower, upper) = (c.inputs[0], c.inputs[1], c.inputs[2])
  let ordered = lower .< upper
  let half = c.grad / 2
  var grads: InlineList<Tensor?> = [nil, nil, nil]
  if c.needs(0) {
    let outside = (x .< lower).logicalOr(x .> upper)
    let tie = (x .== lower).logicalOr(x .== upper).logicalAnd(ordered)
    grads[0] = Tensor.where(outside, 0.0, Tensor.where(tie, half, c.grad))
  }
  if c.needs(1) {
    let below = (x .< lower).logicalAnd(lower .<= upper)
    grads[1] = Tensor.where(below, c.grad, Tensor.where((x .== lower).logicalAnd(ordered), half, 0.0))
  }
  if c.needs(2) {
    let above = (lower .> upper).logicalOr((x .> upper).logicalAnd(lower .<= upper))
    grads[2] = Tensor.where(above, c.grad, Tensor.where((x .== upper).logicalAnd(ordered), half, 0.0))
  }
  return grads
}
