extension Tensor {
  /// Runs an in-place op so that autograd sees it as PyTorch does.
  ///
  /// Without recording (grad mode off, or nothing involved requires a gradient) `inPlace` runs
  /// as is. With recording, the op runs out of place on a copy of this tensor's old value that
  /// stands in for it in the graph (`outOfPlace` gets it and records its node), the values are
  /// written into this tensor, and this tensor takes over the node: it becomes the op's output
  /// in the graph, and its version moves on, so graphs that saved the old value notice. A leaf
  /// that requires a gradient cannot be changed in place while grad mode is on.
  func rebasingHistory(
    _ op: String, _ others: [Tensor] = [], outOfPlace: (Tensor) -> Tensor, inPlace: () -> Tensor
  ) -> Tensor {
    checkInPlaceAllowed(op: op)
    guard GradMode.isEnabled, requiresGrad || others.contains(where: { $0.requiresGrad }) else { return inPlace() }
    let before = GradMode.with(enabled: false) { clone() }
    before.gradFn = gradFn
    let result = outOfPlace(before)
    precondition(
      result.shape == shape,
      "\(op): output with shape \(shape) doesn't match the broadcast shape \(result.shape)")
    GradMode.with(enabled: false) { _ = copy_(result) }
    gradFn = result.gradFn
    return self
  }
}
