extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
  /// PyTorch's `repr`, character for character: `tensor([[1, 2],\n        [3, 4]])`, with the
  /// dtype where PyTorch shows it, `grad_fn=<…>` or `requires_grad=True`, and `...` above 1000
  /// elements.
  ///
  /// ```swift
  /// print(Tensor([2], dtype: .int32))   // tensor([2], dtype=torch.int32)
  /// ```
  public var description: String {
    let host = device == .cpu ? self : ((try? to(.cpu)) ?? self)
    let values: PrintableValues
    switch dtype.category {
    case .boolean: values = .bool(host.scalars(as: Bool.self))
    case .integral: values = .integer(host.scalars(as: Int64.self))
    case .floatingPoint: values = .floating(host.scalars(as: Double.self))
    }
    var suffixes: [String] = []
    if device != .cpu { suffixes.append("device='\(device)'") }
    if let gradFn {
      suffixes.append("grad_fn=<\(gradFn.name)>")
    } else if requiresGrad {
      suffixes.append("requires_grad=True")
    }
    return TensorText.render(shape: shape, dtype: dtype, values: values, suffixes: suffixes)
  }

  public var debugDescription: String { description }
}
