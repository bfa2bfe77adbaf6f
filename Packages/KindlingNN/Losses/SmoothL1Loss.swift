import KindlingAutograd

/// Smooth L1 loss (`F.smooth_l1_loss`): per element `0.5·d²/beta` where `|d| < beta`, else
/// `|d| - 0.5·beta`, with `d = input - target`; `beta == 0` is the L1 loss. The graph shows
/// `SmoothL1LossBackward0`; double backward works.
///
/// - Parameters:
///   - input: any shape; `target`: the same shape.
///   - beta: where the loss turns from quadratic to linear, `>= 0`.
///
/// ```swift
/// smoothL1Loss(Tensor([0.5, 3.0]), Tensor([0.0, 0.0]))   // tensor(1.3125)
/// ```
public func smoothL1Loss(
  _ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Double = 1.0
) -> Tensor {
  checkLossSizes(input, target, op: "smooth_l1_loss")
  precondition(beta >= 0, "smooth_l1_loss: smooth_l1_loss does not support negative values for beta.")
  // PyTorch runs beta == 0 as the L1 loss (its graph shows the L1 loss's nodes).
  if beta == 0 { return l1Loss(input, target, reduction: reduction) }
  return pointwiseLoss(
    input, target, name: "SmoothL1LossBackward0", reduction: reduction,
    loss: { x, y in
      let d = (x - y).abs()
      return Tensor.where(d .< beta, 0.5 * d.square() / beta, d - 0.5 * beta)
    },
    derivative: { x, y in ((x - y) / beta).clamp(min: -1, max: 1) })
}

/// Huber loss (`F.huber_loss`): per element `0.5·d²` where `|d| < delta`, else
/// `delta·(|d| - 0.5·delta)`, with `d = input - target` (the smooth L1 loss times `delta`).
/// The graph shows `HuberLossBackward0`; double backward works.
///
/// - Parameters:
///   - input: any shape; `target`: the same shape.
///   - delta: where the loss turns from quadratic to linear, `> 0`.
///
/// ```swift
/// huberLoss(Tensor([0.5, 3.0]), Tensor([0.0, 0.0]), delta: 2)   // tensor(2.0625)
/// ```
public func huberLoss(
  _ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Double = 1.0
) -> Tensor {
  checkLossSizes(input, target, op: "huber_loss")
  precondition(delta > 0, "huber_loss: huber_loss does not support non-positive values for delta.")
  return pointwiseLoss(
    input, target, name: "HuberLossBackward0", reduction: reduction,
    loss: { x, y in
      let d = (x - y).abs()
      return Tensor.where(d .< delta, 0.5 * d.square(), delta * (d - 0.5 * delta))
    },
    derivative: { x, y in (x - y).clamp(min: -delta, max: delta) })
}
