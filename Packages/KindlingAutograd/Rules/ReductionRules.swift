import KindlingTensor

// sum, mean, prod, max/min, std/var, norms, logsumexp, scans, softmax.

let reductionRules: [String: GradientRule] = [
  "SumBackward0": { c in [c.grad.expand(c.node.inputShapes[0])] },
  "MeanBackward0": { c in [c.grad.expand(c.node.inputShapes[0]) / Double(max(c.input.count, 1))] },
]
