import KindlingAutograd

/// The reductions of ``klDiv(_:_:reduction:logTarget:)``: PyTorch's `reduction=` strings for
/// `F.kl_div`, which add `'batchmean'` to the ones of ``Reduction``.
public enum KLDivReduction: String, CaseIterable, Sendable {
  /// One loss per element (`'none'`).
  case none
  /// The sum divided by the batch size `input.shape[0]` (`'batchmean'`): the KL divergence of
  /// each sample, averaged. The mathematically meaningful choice.
  case batchMean = "batchmean"
  /// The sum of all elements (`'sum'`).
  case sum
  /// The mean over all elements (`'mean'`, PyTorch's default): divides by the batch size AND the
  /// support size. PyTorch warns about it; Kindling keeps it as the default silently, so results
  /// equal PyTorch's, and recommends `.batchMean`.
  case mean

  /// The same reduction as a plain ``Reduction``.
  public init(_ reduction: Reduction) {
    switch reduction {
    case .none: self = .none
    case .sum: self = .sum
    case .mean: self = .mean
    }
  }

  /// Parses PyTorch's spelling; `nil` for anything else.
  public init?(pytorchName: String) { self.init(rawValue: pytorchName) }
}

/// Kullback-Leibler divergence loss (`F.kl_div`): per element `target·(log(target) - input)` with
/// `0·log 0 = 0`, where `input` holds log-probabilities and `target` probabilities (or
/// log-probabilities when `logTarget`: `exp(target)·(target - input)`). `input` and `target`
/// broadcast. Composed of public ops as in PyTorch, so the graph shows `SubBackward0` (`.none`),
/// `MeanBackward0`, `SumBackward0` or `DivBackward0` (`.batchMean`); double backward works.
///
/// - Parameters:
///   - input: log-probabilities, e.g. `[N, C]`.
///   - target: probabilities (or log-probabilities with `logTarget`), broadcastable to `input`.
///   - reduction: `.mean` by default like PyTorch; `.batchMean` is the true KL divergence per sample.
///
/// ```swift
/// let logq = Tensor([[0.25, 0.75]]).log()
/// klDiv(logq, Tensor([[0.5, 0.5]]), reduction: .batchMean)   // tensor(0.1438)
/// ```
public func klDiv(
  _ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean, logTarget: Bool = false
) -> Tensor {
  let losses: Tensor
  if logTarget {
    losses = target.exp() * (target - input)
  } else {
    // xlogy(target, target): 0 where the target is 0, NaN stays NaN.
    let targetLogTarget = Tensor.where(target .== 0, 0.0, target * target.log())
    losses = targetLogTarget - target * input
  }
  switch reduction {
  case .none: return losses
  case .sum: return losses.sum()
  case .mean: return losses.mean()
  case .batchMean: return input.rank == 0 ? losses.sum() : losses.sum() / Double(input.shape[0])
  }
}
