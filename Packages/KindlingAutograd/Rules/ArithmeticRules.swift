import KindlingTensor

// add, sub, mul, div, neg, and the casts and copies that pass gradients through.

let arithmeticRules: [String: GradientRule] = [
  "AddBackward0": { c in
    let alpha: Double = c.attribute("alpha")
    return [c.grad, c.needs(1) ? (alpha == 1 ? c.grad : c.grad * alpha) : nil]
  },
  "SubBackward0": { c in
    let alpha: Double = c.attribute("alpha")
    return [c.grad, c.needs(1) ? -(alpha == 1 ? c.grad : c.grad * alpha) : nil]
  },
  "MulBackward0": { c in
    [c.needs(0) ? c.grad * c.inputs[1] : nil, c.needs(1) ? c.grad * c.inputs[0] : nil]
  },
  "DivBackward0": { c in
    let (a, b) = (c.inputs[0], c.inputs[1])
    return [c.needs(0) ? c.grad / b : nil, c.needs(1) ? -c.grad * a / (b * b) : nil]
  },
  // Rounded division is piecewise constant: its gradient is zero almost everywhere.
  "DivBackward1": { c in [c.needs(0) ? Tensor.zerosLike(c.inputs[0]) : nil, nil] },
  "NegBackward0": { c in [-c.grad] },
  "CloneBackward0": { c in [c.grad] },
  "ToCopyBackward0": { c in [c.grad] },
]
