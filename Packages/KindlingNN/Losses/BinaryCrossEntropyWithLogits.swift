import KindlingAutograd

/// Binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`): the sigmoid and the
/// log-loss fused into one numerically stable expression,
/// `(1 - y)·z + (1 + (posWeight - 1)·y)·(log(1 + exp(-|z|)) + max(-z, 0))`, weighted by `weight` and
/// reduced by `reduction` (without `posWeight` that is `max(z, 0) - z·y + log(1 + exp(-|z|))`).
/// The graph shows `BinaryCrossEntropyWithLogitsBackward0`; double backward works.
///
/// - Parameters:
///   - input: logits `z`, any shape.
///   - target: probabilities `y` in [0, 1], the shape of `input`.
///   - weight: a per-element weight that broadcasts to `input`.
///   - posWeight: a weight of the positive examples that broadcasts to `input` along its last
///     dimension (one per class, `[C]`).
///
/// ```swift
/// let z = Tensor.randn([5, 3], requiresGrad: true)
/// let loss = binaryCrossEntropyWithLogits(z, Tensor.zeros([5, 3]))
/// loss.backward()   // z.grad == (sigmoid(z) - y) / 15
/// ```
public func binaryCrossEntropyWithLogits(
  _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil
) -> Tensor {
  precondition(
    target.shape == input.shape,
    "binary_cross_entropy_with_logits: Target size (\(target.shape)) must be the same as input size (\(input.shape))")
  let weighted = { (t: Tensor) in weight.map { t * $0 } ?? t }
  /// `log(1 + exp(-z))`, stable for any `z`.
  let softplusOfNegative = { (z: Tensor) in (-z.abs()).exp().log1p() + (-z).relu() }
  return pointwiseLoss(
    input, target, name: "BinaryCrossEntropyWithLogitsBackward0", reduction: reduction,
    loss: { z, y in
      guard let posWeight else { return weighted(z.relu() - z * y + (-z.abs()).exp().log1p()) }
      return weighted((1 - y) * z + (1 + (posWeight - 1) * y) * softplusOfNegative(z))
    },
    derivative: { z, y in
      guard let posWeight else { return weighted(z.sigmoid() - y) }
      return weighted((1 + (posWeight - 1) * y) * z.sigmoid() - posWeight * y)
    },
    targetDerivative: { z, _ in
      guard let posWeight else { return weighted(-z) }
      return weighted((posWeight - 1) * softplusOfNegative(z) - z)
    })
}
