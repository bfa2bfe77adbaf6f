import KindlingAutograd

/// Binary cross-entropy on probabilities (`F.binary_cross_entropy`):
/// `-weight·(y·log(x) + (1 - y)·log(1 - x))` per element, each log clamped to `>= -100` as in
/// PyTorch, reduced by `reduction`. The graph shows `BinaryCrossEntropyBackward0`; the input's
/// gradient is `weight·(x - y) / max(x·(1 - x), 1e-12)`. Double backward works.
///
/// - Parameters:
///   - input: probabilities `x` in [0, 1], any shape.
///   - target: `y`, the shape of `input`.
///   - weight: a per-element rescaling weight that broadcasts to `input`.
///
/// ```swift
/// let p = Tensor([0.9, 0.2], requiresGrad: true)
/// binaryCrossEntropy(p, Tensor([1.0, 0.0]))   // tensor(0.1643)
/// ```
public func binaryCrossEntropy(
  _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean
) -> Tensor {
  precondition(
    target.shape == input.shape,
    "binary_cross_entropy: Using a target size (torch.Size(\(target.shape))) that is different to the input size "
      + "(torch.Size(\(input.shape))) is deprecated. Please ensure they have the same size.")
  let outOfRange = noGrad { (input .< 0.0).logicalOr(input .> 1.0).any().item() != 0 }
  precondition(!outOfRange, "binary_cross_entropy: all elements of input should be between 0 and 1")
  let weighted = { (t: Tensor) in weight.map { t * $0 } ?? t }
  return pointwiseLoss(
    input, target, name: "BinaryCrossEntropyBackward0", reduction: reduction,
    loss: { x, y in
      weighted(-(y * x.log().clamp(min: -100) + (1 - y) * (1 - x).log().clamp(min: -100)))
    },
    derivative: { x, y in weighted((x - y) / (x * (1 - x)).clamp(min: 1e-12)) },
    targetDerivative: { x, _ in weighted((1 - x).log() - x.log()) })
}
