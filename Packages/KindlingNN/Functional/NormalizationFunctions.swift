// Batch, layer and group normalization (`F.batch_norm`, `F.layer_norm`, `F.group_norm`) on the
// fused kernels of Kernels/Normalization.swift, each with its own graph node whose backward
// computes the input, weight and bias gradients in closed form. The backward calls raw kernels,
// so double backward (gradients of these gradients) is not supported: the gradients come back
// without a graph even under `createGraph: true`.

/// Normalizes each channel `c` of an `[N, C, *]` input (`F.batch_norm`):
/// `y = (x − mean[c]) / √(var[c] + eps) · weight[c] + bias[c]`.
///
/// With `training: true` the mean and biased variance come from the batch, and `runningMean` /
/// `runningVar` (when given) are updated in place:
/// `running = (1 − momentum) · running + momentum · batch`, the variance with Bessel's
/// correction. Otherwise the running statistics normalize.
///
/// - Parameters:
///   - input: `[N, C]` or `[N, C, *]`, float32 or float64, on the CPU.
///   - runningMean, runningVar: `[C]`, required when `training` is false.
///   - weight, bias: `[C]`, optional.
///
/// ```swift
/// let x = Tensor.randn([8, 3, 4, 4])
/// let (mean, variance) = (Tensor.zeros([3]), Tensor.ones([3]))
/// let y = batchNorm(x, runningMean: mean, runningVar: variance, training: true)  // mean updated
/// ```
public func batchNorm(
  _ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
  training: Bool = false, momentum: Double = 0.1, eps: Double = 1e-5
) -> Tensor {
  checkNormKernelInput(input, op: "batch_norm")
  precondition(
    input.rank >= 2, "batch_norm: expected an input of at least 2 dimensions [N, C, *], but got \(input.shape)")
  let (n, c) = (input.shape[0], input.shape[1])
  let s = n * c == 0 ? 0 : input.count / (n * c)
  for (name, tensor) in [
    ("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias),
  ] {
    if let tensor {
      precondition(tensor.count == c, "batch_norm: \(name) should contain \(c) elements not \(tensor.count)")
    }
  }
  if training {
    precondition(
      n * s > 1, "batch_norm: Expected more than 1 value per channel when training, got input size \(input.shape)")
  } else {
    precondition(
      runningMean != nil && runningVar != nil,
      "batch_norm: running_mean and running_var must be defined in evaluation mode (training: false)")
  }
  let x = noGrad { input.contiguous() }
  let mean: [Double], invstd: [Double]
  if training {
    let stats = ChannelNormKernel.statistics(x, n: n, c: c, s: s)
    mean = stats.mean
    invstd = stats.variance.map { 1 / ($0 + eps).squareRoot() }
    let count = Double(n * s)
    updateRunningStatistic(runningMean, with: stats.mean, momentum: momentum)
    updateRunningStatistic(runningVar, with: stats.variance.map { $0 * count / (count - 1) }, momentum: momentum)
  } else {
    mean = runningMean!.scalars(as: Double.self)
    invstd = runningVar!.scalars(as: Double.self).map { 1 / ($0 + eps).squareRoot() }
  }
  let gamma = weight?.scalars(as: Double.self) ?? Array(repeating: 1, count: c)
  let beta = bias?.scalars(as: Double.self) ?? Array(repeating: 0, count: c)
  let scale = zip(gamma, invstd).map(*)
  let shift = (0..<c).map { beta[$0] - mean[$0] * scale[$0] }
  let output = ChannelNormKernel.affine(x, scale: scale, shift: shift, n: n, c: c, s: s)

  let inputs = [input] + [weight, bias].compactMap { $0 }
  guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
  let weightSlot = weight == nil ? nil : 1, biasSlot = bias == nil ? nil : (weight == nil ? 1 : 2)
  output.gradFn = GraphNode(name: "NativeBatchNormBackward0", inputs: inputs, output: output) { grad, node in
    let x = node.savedInput(0).contiguous(), g = grad.contiguous()
    let sums = ChannelNormKernel.gradientSums(grad: g, x, mean: mean, n: n, c: c, s: s)
    var grads = [Tensor?](repeating: nil, count: inputs.count)
    if node.hasEdge(0) {
      grads[0] =
        training
        ? ChannelNormKernel.inputGradient(
          grad: g, x, mean: mean, invstd: invstd, gamma: gamma, sums: sums, n: n, c: c, s: s)
        : ChannelNormKernel.affine(g, scale: scale, shift: Array(repeating: 0, count: c), n: n, c: c, s: s)
    }
    if let weightSlot, node.hasEdge(weightSlot) {
      grads[weightSlot] = channelTensor(zip(sums.1, invstd).map(*), like: node.savedInput(weightSlot))
    }
    if let biasSlot, node.hasEdge(biasSlot) { grads[biasSlot] = channelTensor(sums.0, like: node.savedInput(biasSlot)) }
    return grads
  }
  return output
}

/// `running = (1 − momentum) · running + momentum · batch`, in place and in Double.
private func updateRunningStatistic(_ running: Tensor?, with batch: [Double], momentum: Double) {
  guard let running else { return }
  let updated = zip(running.scalars(as: Double.self), batch).map { momentum * $1 + (1 - momentum) * $0 }
  noGrad { _ = running.copy_(Tensor(scalars: updated, shape: running.shape)) }
}

/// Per-channel values as a tensor shaped and typed like `like`.
private func channelTensor(_ values: [Double], like: Tensor) -> Tensor {
  Tensor(scalars: values, shape: like.shape).to(like.dtype)
}

/// Normalizes over the trailing dimensions `normalizedShape` (`F.layer_norm`):
/// `y = (x − mean) / √(var + eps) · weight + bias`, the statistics taken per leading index.
///
/// - Parameters:
///   - input: `[*, normalizedShape…]`, float32 or float64, on the CPU.
///   - normalizedShape: the trailing sizes to normalize over.
///   - weight, bias: `normalizedShape`, optional.
///
/// ```swift
/// let y = layerNorm(Tensor.randn([2, 5, 8]), normalizedShape: [8])   // each [8] row: mean 0, var 1
/// ```
public func layerNorm(
  _ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
) -> Tensor {
  checkNormKernelInput(input, op: "layer_norm")
  precondition(
    !normalizedShape.isEmpty && input.shape.suffix(normalizedShape.count).elementsEqual(normalizedShape)
      && input.rank >= normalizedShape.count,
    "layer_norm: Given normalized_shape=\(normalizedShape), expected input with shape [*, "
      + normalizedShape.map(String.init).joined(separator: ", ") + "], but got input of size\(input.shape)")
  for (name, tensor) in [("weight", weight), ("bias", bias)] {
    if let tensor {
      precondition(
        tensor.shape == normalizedShape,
        "layer_norm: Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(tensor.shape) and normalized_shape = \(normalizedShape)"
      )
    }
  }
  let m = normalizedShape.reduce(1, *)
  let rows = m == 0 ? 0 : input.count / m
  return normalizeRows(
    input, rows: rows, m: m, eps: eps, weight: weight, bias: bias, affineShape: normalizedShape, affineSpansRow: true,
    nodeName: "NativeLayerNormBackward0")
}

/// Normalizes each group of `numGroups` channel groups of an `[N, C, *]` input over its
/// channels and positions, then scales and shifts per channel (`F.group_norm`).
///
/// - Parameters:
///   - input: `[N, C, *]` with `C` divisible by `numGroups`, float32 or float64, on the CPU.
///   - weight, bias: `[C]`, optional.
///
/// ```swift
/// let y = groupNorm(Tensor.randn([2, 6, 4, 4]), numGroups: 3)
/// ```
public func groupNorm(
  _ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
) -> Tensor {
  checkNormKernelInput(input, op: "group_norm")
  precondition(
    input.rank >= 2, "group_norm: Expected at least 2 dimensions for input tensor but received \(input.rank)")
  let (n, c) = (input.shape[0], input.shape[1])
  precondition(
    numGroups > 0 && c % numGroups == 0,
    "group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape \(input.shape) and num_groups=\(numGroups)"
  )
  for (name, tensor) in [("weight", weight), ("bias", bias)] {
    if let tensor {
      precondition(
        tensor.rank == 1 && tensor.count == c,
        "group_norm: Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(tensor.shape) and input of shape \(input.shape)"
      )
    }
  }
  let rows = n * numGroups
  let m = rows == 0 ? 0 : input.count / rows
  let channelShape = [c] + Array(repeating: 1, count: input.rank - 2)
  return normalizeRows(
    input, rows: rows, m: m, eps: eps, weight: weight, bias: bias, affineShape: channelShape, affineSpansRow: false,
    nodeName: "NativeGroupNormBackward0")
}

/// Layer and group norm: `x̂` of `rows` rows of `m` contiguous elements, then
/// `x̂ · weight + bias` with the affine tensors viewed as `affineShape` (broadcast against the
/// trailing dims), with a graph node computing all gradients. `affineSpansRow` (layer norm):
/// the affine tensors hold one value per element of a row, so kernels index them by column.
private func normalizeRows(
  _ input: Tensor, rows: Int, m: Int, eps: Double, weight: Tensor?, bias: Tensor?, affineShape: [Int],
  affineSpansRow: Bool, nodeName: String
) -> Tensor {
  let x = noGrad { input.contiguous() }
  let w = weight?.view(affineShape), b = bias?.view(affineShape)
  let byColumn = affineSpansRow && [weight, bias].allSatisfy { $0 == nil || $0!.dtype == input.dtype }
  let columnWeight = byColumn ? w.map { weight in noGrad { weight.contiguous() } } : nil
  let xHat: Tensor, output: Tensor, rstd: [Double]
  if byColumn {
    let columnBias = b.map { bias in noGrad { bias.contiguous() } }
    (xHat, output, rstd) = RowNormKernel.normalizeWithColumnAffine(
      x, weight: columnWeight, bias: columnBias, rows: rows, m: m, eps: eps)
  } else {
    (xHat, _, rstd) = RowNormKernel.normalize(x, rows: rows, m: m, eps: eps)
    output = noGrad { () -> Tensor in
      var y = xHat
      if let w { y = y * w }
      if let b { y = y + b }
      return y
    }
  }
  let inputs = [input] + [weight, bias].compactMap { $0 }
  guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
  let weightSlot = weight == nil ? nil : 1, biasSlot = bias == nil ? nil : (weight == nil ? 1 : 2)
  // The dims an affine gradient sums over: every dim where the affine view has size 1 or is absent.
  let leading = input.rank - affineShape.count
  let reduced = (0..<input.rank).filter { $0 < leading || affineShape[$0 - leading] == 1 }
  let sumToAffine = { (t: Tensor, shape: [Int]) in (reduced.isEmpty ? t : t.sum(dims: reduced)).reshape(shape) }
  output.gradFn = GraphNode(name: nodeName, inputs: inputs, output: output) { grad, node in
    _ = node.savedInput(0)  // checks the input was not modified in place since
    let g = grad.contiguous()
    var grads = [Tensor?](repeating: nil, count: inputs.count)
    if node.hasEdge(0) {
      let scaled = byColumn ? g : noGrad { w.map { (g * $0).contiguous() } ?? g }
      grads[0] = RowNormKernel.inputGradient(
        grad: scaled, xHat: xHat, columnWeight: columnWeight, rstd: rstd, rows: rows, m: m)
    }
    if byColumn {
      let sums = RowNormKernel.columnSums(grad: g, xHat: xHat, rows: rows, m: m)
      for (slot, values) in [(weightSlot, sums.weight), (biasSlot, sums.bias)] {
        guard let slot, node.hasEdge(slot) else { continue }
        grads[slot] = Tensor(scalars: values, shape: node.inputShapes[slot]).to(node.inputDTypes[slot])
      }
      return grads
    }
    if let weightSlot, node.hasEdge(weightSlot) {
      grads[weightSlot] = noGrad { sumToAffine(g * xHat, node.inputShapes[weightSlot]) }
    }
    if let biasSlot, node.hasEdge(biasSlot) {
      grads[biasSlot] = noGrad { sumToAffine(g, node.inputShapes[biasSlot]) }
    }
    return grads
  }
  return output
}
