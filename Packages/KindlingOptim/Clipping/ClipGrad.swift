import KindlingAutograd
import KindlingTensor

/// Why ``clipGradNorm(_:maxNorm:normType:errorIfNonfinite:)`` refused to clip.
public struct NonfiniteGradNormError: Error, Equatable, CustomStringConvertible {
  /// The norm's order.
  public let normType: Double

  public var description: String {
    "The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped. "
      + "To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
  }
}

/// Scales the gradients of `parameters` in place so that their joint norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`), and returns the norm they had (a 0-d tensor).
///
/// The joint norm is the `normType`-norm of the per-tensor norms (`.infinity` for the largest
/// absolute value); each gradient is multiplied by `min(maxNorm / (norm + 1e-6), 1)`. Parameters
/// without a gradient are skipped; with none, the result is `tensor(0.)`.
///
/// ```swift
/// loss.backward()
/// let norm = try clipGradNorm(model.parameters(), maxNorm: 1.0)
/// optimizer.step()
/// ```
///
/// - Throws: ``NonfiniteGradNormError`` when `errorIfNonfinite` and the norm is NaN or infinite.
@discardableResult
public func clipGradNorm(
  _ parameters: [Tensor], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
) throws(NonfiniteGradNormError) -> Tensor {
  let grads = parameters.compactMap(\.grad)
  guard !grads.isEmpty else { return Tensor.zeros([]) }
  return try noGrad { () throws(NonfiniteGradNormError) -> Tensor in
    let total = Tensor.stack(grads.map { $0.norm(p: normType) }).norm(p: normType)
    let value = total.item()
    if errorIfNonfinite && !value.isFinite { throw NonfiniteGradNormError(normType: normType) }
    // Python's `max_norm / tensor` is `tensor.reciprocal() * max_norm`.
    let coefficient = ((total + 1e-6).reciprocal() * maxNorm).clamp(max: 1.0)
    for grad in grads { _ = grad.mul_(coefficient.to(grad.dtype)) }
    return total
  }
}

/// Clamps every gradient of `parameters` in place to `[-clipValue, clipValue]`
/// (`torch.nn.utils.clip_grad_value_`).
///
/// ```swift
/// loss.backward()
/// clipGradValue(model.parameters(), clipValue: 0.5)
/// ```
public func clipGradValue(_ parameters: [Tensor], clipValue: Double) {
  noGrad {
    for grad in parameters.compactMap(\.grad) { _ = grad.clamp_(min: -clipValue, max: clipValue) }
  }
}
