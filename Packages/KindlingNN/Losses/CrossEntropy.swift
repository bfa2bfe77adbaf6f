import KindlingAutograd

/// Cross-entropy between scores and targets (`F.cross_entropy`): `nllLoss(input.logSoftmax(dim: 1), ...)`
/// for class-index targets, `-Σ_c weight[c]·target[c]·logSoftmax(input)[c]` for probability targets.
///
/// - Parameters:
///   - input: unnormalized scores (logits) `[C]`, `[N, C]` or `[N, C, d1, ...]`.
///   - target: class indices of any integer dtype, `[]`, `[N]` or `[N, d1, ...]` (PyTorch takes
///     int64 and uint8 only); or probabilities, a floating-point tensor of the input's shape.
///   - weight: a weight per class, `[C]`.
///   - ignoreIndex: a class-index target that contributes neither loss nor gradient.
///   - reduction: `.mean` divides by the sum of the weights of the targets not ignored (by `N·d1…`
///     for probability targets), as PyTorch does.
///   - labelSmoothing: in [0, 1]; mixes the target with the uniform distribution over the classes.
///
/// Class-index targets without smoothing on contiguous float32/float64 `[N, C]` (or `[C]`) scores run
/// one fused pass (per row: max, log-sum-exp, the target's score) and one fused backward
/// (`softmax - onehot`, scaled). Its graph is a single node named `NllLossBackward0`, the name PyTorch
/// shows on the loss; PyTorch has a `LogSoftmaxBackward0` node before it, which the fused node
/// includes. The fused backward is a raw kernel: double backward through it is not supported. Other
/// cases compose `logSoftmax` and ``nllLoss(_:_:weight:ignoreIndex:reduction:)`` (PyTorch's graph
/// exactly, double backward works).
///
/// ```swift
/// let logits = Tensor.randn([64, 10], requiresGrad: true)
/// let labels = Tensor.randint(0, 10, [64])
/// let loss = crossEntropy(logits, labels)   // grad_fn NllLossBackward0
/// loss.backward()                           // logits.grad == (softmax(logits) - onehot(labels)) / 64
/// ```
public func crossEntropy(
  _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean,
  labelSmoothing: Double = 0
) -> Tensor {
  precondition(
    (0...1).contains(labelSmoothing),
    "cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
  if target.dtype.isFloatingPoint && target.shape == input.shape {
    return crossEntropyWithProbabilities(
      input, target, weight: weight, reduction: reduction, labelSmoothing: labelSmoothing)
  }
  let classes = checkClassTargets(input, target, weight: weight, op: "cross_entropy")
  if labelSmoothing == 0, input.rank <= 2, input.isContiguous, input.device == .cpu,
    input.dtype == .float32 || input.dtype == .float64
  {
    return fusedCrossEntropy(
      input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, classes: classes)
  }
  let classDim = input.rank == 1 ? 0 : 1
  let logProbabilities = input.logSoftmax(dim: classDim)
  let nll = nllLoss(logProbabilities, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
  guard labelSmoothing > 0 else { return nll }
  // PyTorch's smoothing term: the (weighted) sum of all log-probabilities, zero at ignored targets;
  let ignored = target.to(.int64) .== ignoreIndex
  var perClass = logProbabilities
  if let weight { perClass = perClass * classWeightView(weight, rank: input.rank) }
  let smooth = (-perClass.sum(dim: classDim)).maskedFill(ignored, 0)
  let reducedSmooth: Tensor
  switch reduction {
  case .none: reducedSmooth = smooth
  case .sum: reducedSmooth = smooth.sum()
  case .mean:
    // Divided by the total weight of the kept targets (their count without `weight`), like the NLL term.
    let kept = ClassTargets(target, classes: classes, weight: weight, ignoreIndex: ignoreIndex, dtype: input.dtype, device: input.device)
    reducedSmooth = smooth.sum() / kept.rowWeight.sum()
  }
  return (1 - labelSmoothing) * nll + reducedSmooth * (labelSmoothing / Double(classes))
}

/// `weight` `[C]` shaped to broadcast along dim 1 of a rank-`rank` input (dim 0 when unbatched).
private func classWeightView(_ weight: Tensor, rank: Int) -> Tensor {
  rank <= 1 ? weight : weight.reshape([1, weight.count] + Array(repeating: 1, count: rank - 2))
}

/// Probability targets: `-Σ_c weight[c]·target[c]·logSoftmax(input)[c]` (PyTorch's composite graph).
private func crossEntropyWithProbabilities(
  _ input: Tensor, _ target: Tensor, weight: Tensor?, reduction: Reduction, labelSmoothing: Double
) -> Tensor {
  let classDim = input.rank == 1 ? 0 : 1
  let classes = input.shape[classDim]
  checkClassWeight(weight, classes: classes, op: "cross_entropy")
  var probabilities = target
  if labelSmoothing > 0 { probabilities = probabilities * (1 - labelSmoothing) + labelSmoothing / Double(classes) }
  var terms = input.logSoftmax(dim: classDim) * probabilities
  if let weight { terms = terms * classWeightView(weight, rank: input.rank) }
  switch reduction {
  case .none: return -terms.sum(dim: classDim)
  case .sum: return -terms.sum()
  case .mean: return -terms.sum() / Double(input.count / Swift.max(classes, 1))
  }
}

/// The fused forward and backward on contiguous `[N, C]` or `[C]` float scores (see `crossEntropy`).
private func fusedCrossEntropy(
  _ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int, reduction: Reduction, classes: Int
) -> Tensor {
  let rows = input.rank == 1 ? 1 : input.shape[0]
  let (losses, sum, totalWeight, saved) = CrossEntropyKernel.forward(
    input, targets: target, weight: weight, ignoreIndex: ignoreIndex, rows: rows, classes: classes)
  let output: Tensor
  switch reduction {
  case .none: output = input.rank == 1 ? losses.view([]) : losses
  case .sum: output = Tensor.full([], sum, dtype: input.dtype)
  case .mean: output = Tensor.full([], sum / totalWeight, dtype: input.dtype)
  }
  return attachBackward(output, name: "NllLossBackward0", inputs: [input]) { grad, node in
    let scores = node.savedInput(0)
    switch reduction {
    case .none:
      return [CrossEntropyKernel.backward(scores, saved: saved, rowScale: grad.reshape([rows]), scale: 0)]
    case .sum, .mean:
      let scale = grad.item() / (reduction == .mean ? totalWeight : 1)
      return [CrossEntropyKernel.backward(scores, saved: saved, rowScale: nil, scale: scale)]
    }
  }
}
