/// Training/evaluation mode, gradients and freezing.
extension Module {
  /// Puts this module and all below it in training mode (`true`) or evaluation mode (`false`).
  ///
  /// ```swift
  /// model.train()       // dropout active, batch norm updates its running statistics
  /// ```
  @discardableResult
  public func train(_ mode: Bool = true) -> Self {
    for module in modules() { module.isTraining = mode }
    return self
  }

  /// Puts this module and all below it in evaluation mode: `train(false)`.
  ///
  /// ```swift
  /// model.eval()
  /// let logits = noGrad { model(images) }
  /// ```
  @discardableResult
  public func eval() -> Self { train(false) }

  /// Clears the gradients of every parameter: sets them to `nil` (the default, as in PyTorch),
  /// or to zeros with `setToNone: false`.
  public func zeroGrad(setToNone: Bool = true) {
    for parameter in parameters() {
      if setToNone {
        parameter.grad = nil
      } else if let grad = parameter.grad {
        _ = noGrad { grad.fill_(0) }
      }
    }
  }

  /// Freezes (`false`) or unfreezes (`true`) every parameter of this subtree (PyTorch's
  /// `requires_grad_`).
  ///
  /// ```swift
  /// model.features.requiresGrad(false)   // train only the classifier
  /// ```
  @discardableResult
  public func requiresGrad(_ flag: Bool = true) -> Self {
    for parameter in parameters() { parameter.requiresGrad = flag }
    return self
  }
}
