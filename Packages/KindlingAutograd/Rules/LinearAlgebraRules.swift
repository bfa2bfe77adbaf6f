import KindlingTensor

// mm, bmm, mv, dot, addmm, baddbmm (matmul and einsum are built from these and views).
//
// For C = A B: dA = dC Bᵀ and dB = Aᵀ dC; the others are this with batches, vectors and scales.

let linearAlgebraRules: [String: GradientRule] = [
  "MmBackward0": { c in
    [c.needs(0) ? c.grad.mm(c.inputs[1].t()) : nil, c.needs(1) ? c.inputs[0].t().mm(c.grad) : nil]
  },
  "BmmBackward0": { c in
    [
      c.needs(0) ? c.grad.bmm(c.inputs[1].transpose(1, 2)) : nil,
      c.needs(1) ? c.inputs[0].transpose(1, 2).bmm(c.grad) : nil,
    ]
  },
  // mv: d mat = grad ⊗ vec, d vec = matᵀ grad.
  "MvBackward0": { c in
    [c.needs(0) ? c.grad.outer(c.inputs[1]) : nil, c.needs(1) ? c.inputs[0].t().mv(c.grad) : nil]
  },
  // dot: the gradient is a 0-d scale of the other vector.
  "DotBackward0": { c in
    [c.needs(0) ? c.grad * c.inputs[1] : nil, c.needs(1) ? c.grad * c.inputs[0] : nil]
  },
  // addmm: beta * self + alpha * mat1 @ mat2 (the engine sums self's gradient over broadcasting).
  "AddmmBackward0": { c in
    let (beta, alpha) = (c.attribute("beta", as: Double.self), c.attribute("alpha", as: Double.self))
    return [
      c.needs(0) ? scaled(c.grad, beta) : nil,
      c.needs(1) ? scaled(c.grad.mm(c.inputs[2].t()), alpha) : nil,
      c.needs(2) ? scaled(c.inputs[1].t().mm(c.grad), alpha) : nil,
    ]
  },
  // baddbmm: beta * self + alpha * batch1 @ batch2, batch by batch.
  "BaddbmmBackward0": { c in
    let (beta, alpha) = (c.attribute("beta", as: Double.self), c.attribute("alpha", as: Double.self))
    return [
      c.needs(0) ? scaled(c.grad, beta) : nil,
      c.needs(1) ? scaled(c.grad.bmm(c.inputs[2].transpose(1, 2)), alpha) : nil,
      c.needs(2) ? scaled(c.inputs[1].transpose(1, 2).bmm(c.grad), alpha) : nil,
    ]
  },
]

/// `t * s`, or `t` itself when `s` is 1 (PyTorch's `maybe_multiply`).
private func scaled(_ t: Tensor, _ s: Double) -> Tensor { s == 1 ? t : t * s }
