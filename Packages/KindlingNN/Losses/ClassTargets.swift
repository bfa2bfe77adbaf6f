import KindlingAutograd

/// Class-index targets checked against an input of scores `[N, C, d1, ...]` (or `[C]`), as
/// `nllLoss` and `crossEntropy` take them.
struct ClassTargets {
  /// The targets as int64, ignored ones replaced by class 0 (safe to gather with).
  let safe: Tensor
  /// Each target's class weight in the input's dtype, 0 where ignored.
  let rowWeight: Tensor

  /// Reads the targets once, stopping on one out of range with PyTorch's words; the results
  /// live on `device` (the scores' device; targets on a GPU are read back to check them).
  init(_ target: Tensor, classes: Int, weight: Tensor?, ignoreIndex: Int, dtype: DType, device: Device = .cpu) {
    let values = target.to(.int64).contiguous().scalars(as: Int64.self)
    let classWeights = weight?.to(.float64).contiguous().scalars(as: Double.self)
    var safeValues = [Int64](repeating: 0, count: values.count)
    var weights = [Double](repeating: 0, count: values.count)
    for (i, t) in values.enumerated() where t != Int64(ignoreIndex) {
      precondition(t >= 0 && t < Int64(classes), "Target \(t) is out of bounds.")
      safeValues[i] = t
      weights[i] = classWeights?[Int(t)] ?? 1
    }
    do {
      safe = try Tensor(scalars: safeValues, shape: target.shape).to(device)
      rowWeight = try Tensor(scalars: weights, shape: target.shape).to(dtype).to(device)
    } catch {
      preconditionFailure("nll_loss: \(error)")
    }
  }
}

/// Validates `input` (`[C]`, `[N, C]` or `[N, C, d1, ...]`), class-index `target` and `weight`
/// with PyTorch's messages; returns the number of classes.
func checkClassTargets(_ input: Tensor, _ target: Tensor, weight: Tensor?, op: String) -> Int {
  precondition(input.rank >= 1, "\(op): Expected 1 or more dimensions (got 0)")
  precondition(
    !target.dtype.isFloatingPoint && target.dtype != .bool,
    "\(op): expected target dtype to be Long or Byte (Kindling takes any integer dtype), but got \(target.dtype)")
  if input.rank > 1 {
    precondition(
      target.rank >= 1 && input.shape[0] == target.shape[0],
      "Expected input batch_size (\(input.shape[0])) to match target batch_size "
        + "(\(target.rank >= 1 ? target.shape[0] : 0))."
    )
  }
  if input.rank <= 2 {
    precondition(target.rank == input.rank - 1, "\(op): 0D or 1D target tensor expected, multi-target not supported")
  } else {
    var expected = input.shape
    expected.remove(at: 1)
    precondition(target.shape == expected, "\(op): Expected target size \(expected), got \(target.shape)")
  }
  let classes = input.shape[input.rank == 1 ? 0 : 1]
  checkClassWeight(weight, classes: classes, op: op)
  return classes
}

/// Stops unless `weight` is nil or holds one weight per class, with PyTorch's message.
func checkClassWeight(_ weight: Tensor?, classes: Int, op: String) {
  guard let weight else { return }
  precondition(
    weight.rank == 1 && weight.count == classes,
    "\(op): weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor "
      + "of shape: \(weight.shape)")
}
