import KindlingTensor

// mm, bmm, mv, dot, addmm, baddbmm (matmul and einsum are built from these and views).

let linearAlgebraRules: [String: GradientRule] = [
  "MmBackward0": { c in
    [c.needs(0) ? c.grad.mm(c.inputs[1].t()) : nil, c.needs(1) ? c.inputs[0].t().mm(c.grad) : nil]
  },
]
