import KindlingAutograd

/// Mean absolute error (`F.l1_loss`): `|input - target|` per element, reduced by `reduction`.
/// Composed of public ops as in PyTorch, so the graph shows `AbsBackward0` (`.none`),
/// `MeanBackward0` or `SumBackward0`; the gradient at `input == target` is 0.
///
/// - Parameters:
///   - input: any shape.
///   - target: the shape of `input`.
///
/// ```swift
/// let loss = l1Loss(Tensor([1.0, -2.0]), Tensor([0.0, 0.0]))   // tensor(1.5000)
/// ```
public func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
  checkLossSizes(input, target, op: "l1_loss")
  return reduction.apply((input - target).abs())
}
