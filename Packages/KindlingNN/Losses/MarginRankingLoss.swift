import KindlingAutograd

/// Margin ranking loss (`F.margin_ranking_loss`): `max(0, -target·(input1 - input2) + margin)` per
/// element, reduced by `reduction`; the target (1 or -1) says which input should rank higher.
/// Composed of public ops as in PyTorch; the three tensors broadcast; double backward works.
///
/// - Parameters:
///   - input1, input2, target: tensors of the same rank (PyTorch's rule), broadcastable together.
///   - margin: the required gap.
///
/// ```swift
/// marginRankingLoss(Tensor([0.2, 0.9]), Tensor([0.5, 0.1]), Tensor([1.0, -1.0]))   // tensor(0.5500)
/// ```
public func marginRankingLoss(
  _ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0, reduction: Reduction = .mean
) -> Tensor {
  precondition(
    input1.rank == input2.rank && input1.rank == target.rank,
    "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
      + "torch.Size(\(input1.shape)), "
      + "input2: torch.Size(\(input2.shape)), target: torch.Size(\(target.shape)) ")
  return reduction.apply((-target * (input1 - input2) + margin).clamp(min: 0))
}
