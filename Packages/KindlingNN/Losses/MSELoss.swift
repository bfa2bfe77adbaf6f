import KindlingAutograd

/// Mean squared error (`F.mse_loss`): `(input - target)²` per element, reduced by `reduction`.
/// The graph shows PyTorch's `MseLossBackward0`; double backward works.
///
/// - Parameters:
///   - input: any shape.
///   - target: the shape of `input` (PyTorch warns and broadcasts a different shape; Kindling
///     stops, see ``Reduction``'s losses' documentation).
///
/// ```swift
/// let x = Tensor([1.0, 2.0], requiresGrad: true)
/// let loss = mseLoss(x, Tensor([0.0, 0.0]))   // tensor(2.5000)
/// loss.backward()                              // x.grad == [1, 2]
/// ```
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
  checkLossSizes(input, target, op: "mse_loss")
  return pointwiseLoss(
    input, target, name: "MseLossBackward0", reduction: reduction,
    loss: { x, y in (x - y).square() }, derivative: { x, y in 2 * (x - y) })
}
