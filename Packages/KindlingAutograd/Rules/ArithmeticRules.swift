import KindlingTensor

// add, sub, mul, div, neg, and the casts and copies that pass gradients through
// (PyTorch's derivatives.yaml entries for add.Tensor, sub.Tensor, mul.Tensor, div.Tensor,
// div.Tensor_mode, neg, clone and _to_copy).

let arithmeticRules: [String: GradientRule] = [
  // self + alpha * other
  "AddBackward0": { c in
    let alpha: Double = c.attribute("alpha")
    return [c.grad, c.needs(1) ? (alpha == 1 ? c.grad : c.grad * alpha) : nil]
  },
  // self - alpha * other
  "SubBackward0": { c in
    let alpha: Double = c.attribute("alpha")
    return [c.grad, c.needs(1) ? (alpha == 1 ? -c.grad : -c.grad * alpha) : nil]
  },
  "MulBackward0": { c in
    [c.needs(0) ? c.grad * c.inputs[1] : nil, c.needs(1) ? c.grad * c.inputs[0] : nil]
  },
  // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b, in PyTorch's order of operations.
  "DivBackward0": { c in
    let (a, b) = (c.inputs[0], c.inputs[1])
    return [c.needs(0) ? c.grad / b : nil, c.needs(1) ? -c.grad * (a / b / b) : nil]
  },
  // Rounded division is piecewise constant: both gradients are zero (not missing).
  "DivBackward1": { c in
    [c.needs(0) ? Tensor.zerosLike(c.grad) : nil, c.needs(1) ? Tensor.zerosLike(c.grad) : nil]
  },
  "NegBackward0": { c in [-c.grad] },
  "CloneBackward0": { c in [c.grad] },
  // The engine casts the gradient back to the input's dtype.
  "ToCopyBackward0": { c in [c.grad] },
]
