import KindlingTensor

// Unary math, activations, pow, min/max/clamp, where and masked fills.

let elementwiseRules: [String: GradientRule] = [
  "PowBackward0": { c in
    let exponent: Double = c.attribute("exponent")
    if exponent == 0 { return [Tensor.zerosLike(c.input)] }
    return [c.grad * exponent * c.input.pow(exponent - 1)]
  },
  "ExpBackward0": { c in [c.grad * c.output] },
]
