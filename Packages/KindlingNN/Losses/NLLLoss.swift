import KindlingAutograd

/// Negative log-likelihood loss (`F.nll_loss`) on log-probabilities: `-weight[t]·input[n, t]` for
/// each target class `t` (0 where `t == ignoreIndex`), reduced by `reduction`; `.mean` divides by
/// the sum of the weights of the targets that are not ignored, as PyTorch does.
///
/// The graph shows PyTorch's `NllLossBackward0` (inputs of rank 1 or 2) or `NllLoss2DBackward0`
/// (rank 3 and more; a `.none` result of rank 3 or 5+ is a `ViewBackward0` of it, as in PyTorch).
/// The backward is a scatter written with public ops, so double backward works.
///
/// - Parameters:
///   - input: log-probabilities `[C]`, `[N, C]` or `[N, C, d1, ...]`.
///   - target: class indices of any integer dtype (PyTorch takes int64 and uint8 only), `[]`, `[N]`
///     or `[N, d1, ...]`, each in `0..<C` or equal to `ignoreIndex`.
///   - weight: a weight per class, `[C]`.
///
/// ```swift
/// let logp = Tensor([[-0.1, -2.3], [-1.2, -0.4]])
/// nllLoss(logp, Tensor([0, 1]))   // tensor(0.2500)
/// ```
public func nllLoss(
  _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean
) -> Tensor {
  let classes = checkClassTargets(input, target, weight: weight, op: "nll_loss")
  switch input.rank {
  case 1:
    return nllCore(
      input.unsqueeze(0), target.reshape([1]), classes: classes, weight: weight, ignoreIndex: ignoreIndex,
      reduction: reduction, name: "NllLossBackward0", noneShape: [])
  case 2, 4:
    return nllCore(
      input, target, classes: classes, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
      name: input.rank == 2 ? "NllLossBackward0" : "NllLoss2DBackward0", noneShape: target.shape)
  default:
    // PyTorch runs ranks 3 and 5+ as [N, C, 1, rest] through the 2-D loss and views the result back.
    let n = input.shape[0], rest = target.count / Swift.max(n, 1)
    let loss = nllCore(
      input.reshape([n, classes, 1, rest]), target.reshape([n, 1, rest]), classes: classes, weight: weight,
      ignoreIndex: ignoreIndex, reduction: reduction, name: "NllLoss2DBackward0", noneShape: [n, 1, rest])
    return reduction == .none ? loss.view(target.shape) : loss
  }
}

/// The loss on `[N, C, ...]` scores and `[N, ...]` targets, with its own backward node.
private func nllCore(
  _ input: Tensor, _ target: Tensor, classes: Int, weight: Tensor?, ignoreIndex: Int, reduction: Reduction,
  name: String, noneShape: [Int]
) -> Tensor {
  let targets = ClassTargets(target, classes: classes, weight: weight, ignoreIndex: ignoreIndex, dtype: input.dtype, device: input.device)
  let index = targets.safe.unsqueeze(1)
  let rowWeight = targets.rowWeight
  let totalWeight = rowWeight.sum()
  let output = noGrad { () -> Tensor in
    let losses = -input.gather(dim: 1, index: index).squeeze(1) * rowWeight
    switch reduction {
    case .none: return losses.reshape(noneShape)
    case .sum: return losses.sum()
    case .mean: return losses.sum() / totalWeight
    }
  }
  return attachBackward(output, name: name, inputs: [input]) { grad, node in
    let x = node.savedInput(0)
    let scale: Tensor
    switch reduction {
    case .none: scale = grad.reshape(rowWeight.shape)
    case .sum: scale = grad
    case .mean: scale = grad / totalWeight
    }
    // Ignored targets get no gradient even when the total weight is 0 (PyTorch's all-ignored case).
    let source = Tensor.where(rowWeight .== 0.0, 0.0, -rowWeight * scale).unsqueeze(1)
    return [Tensor.zeros(x.shape, dtype: x.dtype, device: x.device).scatter(dim: 1, index: index, src: source)]
  }
}
