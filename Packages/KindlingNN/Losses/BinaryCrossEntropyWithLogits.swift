import KindlingAutograd

/// Binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`): the sigmoid and the
/// log-loss fused into one numerically stable expression,
/// `max(z, 0) - z·y + log(1 + exp(-|z|))`, weighted by `weight` and reduced by `reduction`.
///
/// - Parameters:
///   - input: logits `z`, any shape.
///   - target: probabilities `y` in [0, 1], the shape of `input`.
///   - weight: a per-element weight that broadcasts to `input`.
///
/// ```swift
/// let z = Tensor.randn([5, 3], requiresGrad: true)
/// let loss = binaryCrossEntropyWithLogits(z, Tensor.zeros([5, 3]))
/// loss.backward()   // z.grad == (sigmoid(z) - y) / 15
/// ```
public func binaryCrossEntropyWithLogits(
  _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean
) -> Tensor {
  precondition(
    target.shape == input.shape,
    "binary_cross_entropy_with_logits: Target size (\(target.shape)) must be the same as input size (\(input.shape))")
  let (loss, elementCount) = noGrad { () -> (Tensor, Int) in
    var perElement = input.relu() - input * target + (-input.abs()).exp().log1p()
    if let weight { perElement = perElement * weight }
    switch reduction {
    case .none: return (perElement, 1)
    case .sum: return (perElement.sum(), 1)
    case .mean: return (perElement.mean(), perElement.count)
    }
  }
  let output = loss.detach()
  guard GradMode.isEnabled, input.requiresGrad || target.requiresGrad else { return output }
  output.gradFn = GraphNode(
    name: "BinaryCrossEntropyWithLogitsBackward0", inputs: [input, target], output: output,
    backward: { grad, node in
      let z = node.savedInput(0), y = node.savedInput(1)
      var scale = reduction == .mean ? grad / Double(Swift.max(elementCount, 1)) : grad
      if let weight { scale = scale * weight }
      return [
        node.edges[0] == nil ? nil : (z.sigmoid() - y) * scale,
        node.edges[1] == nil ? nil : -z * scale,
      ]
    })
  return output
}
