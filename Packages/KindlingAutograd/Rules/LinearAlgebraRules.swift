import KindlingTensor

// mm, bmm, mv, dot, addmm, baddbmm (matmul and einsum are built from these and views).
//
// For C = A B: dA = dC Bᵀ and dB = Aᵀ dC; the others are this with batches, vectors and scales.

let linearAlgebraRules: [String: GradientRule] = [
  "MmBackward0": { c in
    [
      c.needs(0) ? matrix1Gradient(c.grad, c.inputs[1], like: c.inputs[0]) : nil,
      c.needs(1) ? matrix2Gradient(c.grad, c.inputs[0], like: c.inputs[1]) : nil,
    ]
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
      c.needs(1) ? scaled(matrix1Gradient(c.grad, c.inputs[2], like: c.inputs[1]), alpha) : nil,
      c.needs(2) ? scaled(matrix2Gradient(c.grad, c.inputs[1], like: c.inputs[2]), alpha) : nil,
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
/// dA = dC·Bᵀ for C = A·B, computed as (B·dCᵀ)ᵀ when A is a transposed (column-major) view, so
/// that the gradient has A's layout (PyTorch's `mm_mat1_backward`).
private func matrix1Gradient(_ grad: Tensor, _ mat2: Tensor, like mat1: Tensor) -> Tensor {
  isColumnMajor(mat1) ? mat2.mm(grad.t()).t() : grad.mm(mat2.t())
}

/// dB = Aᵀ·dC for C = A·B, computed as (dCᵀ·A)ᵀ when B is a transposed view — a Linear layer's
/// `weight.t()` — so the weight's gradient comes out contiguous (PyTorch's `mm_mat2_backward`).
private func matrix2Gradient(_ grad: Tensor, _ mat1: Tensor, like mat2: Tensor) -> Tensor {
  isColumnMajor(mat2) ? grad.t().mm(mat1).t() : mat1.t().mm(grad)
}

private func isColumnMajor(_ matrix: Tensor) -> Bool {
  matrix.rank == 2 && matrix.strides[0] == 1 && matrix.strides[1] == Swift.max(1, matrix.shape[0])
    && matrix.shape[1] > 1
}

private func scaled(_ t: Tensor, _ s: Double) -> Tensor { s == 1 ? t : t * s }
