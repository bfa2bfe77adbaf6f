import KindlingTensor

// Views (view, permute, transpose, expand, squeeze, slices, …) and shape ops (cat, stack,
// split, repeat, flip, roll, pad, tril/triu).

let shapeRules: [String: GradientRule] = [
  "ViewBackward0": { c in [c.grad.reshape(c.node.inputShapes[0])] },
]
