// Dropout as PyTorch's CPU path computes it: a mask drawn with `bernoulli_(1 - p)` on an empty
// tensor (the input's shape, or `[N, C, 1, …]` for channel-wise dropout), divided by `1 - p`,
// multiplied into the input. The mask uses the generator as PyTorch does, so
// `manualSeed(0); dropout(x)` equals `torch.manual_seed(0); F.dropout(x)`; the gradient is the
// multiplication's (`MulBackward0`).

/// Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` (`F.dropout`).
/// With `training: false`, `p == 0` or an empty input it returns `input` itself.
///
/// - Parameters:
///   - input: any shape, floating point.
///   - p: the probability of zeroing an element, in `[0, 1]`.
///   - training: apply dropout (`true`, PyTorch's default for the function) or pass through.
///   - generator: where the mask's random numbers come from.
///
/// ```swift
/// manualSeed(0)
/// let y = dropout(Tensor.ones([2, 4]), p: 0.5)   // 0s and 2s, the mask PyTorch draws
/// ```
public func dropout(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator = .default) -> Tensor {
  checkDropoutProbability(p)
  return applyDropoutMask(input, p: p, training: training, maskShape: input.shape, generator: generator)
}

/// Zeroes whole channels `input[n, c]` of a `[N, C, L]` or unbatched `[C, L]` input with
/// probability `p`, scaling the rest by `1 / (1 - p)` (`F.dropout1d`).
///
/// ```swift
/// let y = dropout1d(Tensor.ones([2, 3, 5]), p: 0.5)   // each [5] row all 0 or all 2
/// ```
public func dropout1d(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator = .default) -> Tensor {
  checkDropoutProbability(p)
  precondition(
    input.rank == 2 || input.rank == 3,
    "dropout1d: Expected 2D or 3D input, but received a \(input.rank)D input. Note that dropout1d exists to provide "
      + "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension "
      + "(i.e. 2D or 3D inputs).")
  let batched = input.rank == 3 ? input : input.unsqueeze(0)
  let result = featureDropout(batched, p: p, training: training, generator: generator)
  return input.rank == 3 ? result : result.squeeze(0)
}

/// Zeroes whole channels `input[n, c]` of an `[N, C, H, W]` input with probability `p`,
/// scaling the rest by `1 / (1 - p)` (`F.dropout2d`). As in PyTorch, a 3-d input is taken as
/// `[N, C, L]` (channel-wise 1-d dropout).
///
/// ```swift
/// let y = dropout2d(Tensor.ones([2, 3, 4, 4]), p: 0.5)   // each [4, 4] map all 0 or all 2
/// ```
public func dropout2d(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator = .default) -> Tensor {
  checkDropoutProbability(p)
  return featureDropout(input, p: p, training: training, generator: generator)
}

/// Channel-wise dropout: one mask value per `[n, c]` (`feature_dropout`).
func featureDropout(_ input: Tensor, p: Double, training: Bool, generator: Generator) -> Tensor {
  precondition(input.rank >= 2, "dropout: Feature dropout requires at least 2 dimensions in the input, got \(input.shape)")
  let maskShape = [input.shape[0], input.shape[1]] + Array(repeating: 1, count: input.rank - 2)
  return applyDropoutMask(input, p: p, training: training, maskShape: maskShape, generator: generator)
}

func checkDropoutProbability(_ p: Double) {
  precondition(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
}

/// `input · bernoulli(1 - p) / (1 - p)` with the mask in `maskShape` (broadcast to the input).
private func applyDropoutMask(_ input: Tensor, p: Double, training: Bool, maskShape: [Int], generator: Generator) -> Tensor {
  if p == 0 || !training || input.count == 0 { return input }
  precondition(input.dtype.isFloatingPoint, "dropout: expected a floating point input, but got \(input.dtype)")
  if p == 1 { return input * Tensor.zeros([], dtype: input.dtype) }
  let noise = noGrad { () -> Tensor in
    let mask = Tensor(uninitializedShape: maskShape, dtype: input.dtype, device: input.device)
    return mask.bernoulli_(1 - p, generator: generator) / (1 - p)
  }
  return input * noise
}
