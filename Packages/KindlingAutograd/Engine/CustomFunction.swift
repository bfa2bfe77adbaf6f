import KindlingTensor

/// A differentiable op written by the user (PyTorch's `torch.autograd.Function`): a forward
/// computed with any tensor code, and a backward that maps the output's gradient to the
/// inputs' gradients using what the forward saved.
///
/// ```swift
/// struct Cube: CustomFunction {
///   static func forward(_ inputs: [Tensor], saving context: inout [Tensor]) -> Tensor {
///     context = [inputs[0]]
///     return inputs[0] * inputs[0] * inputs[0]
///   }
///   static func backward(_ grad: Tensor, saved: [Tensor]) -> [Tensor?] {
///     [grad * 3 * saved[0] * saved[0]]
///   }
/// }
/// let y = Cube.apply(x)   // y.gradFn!.name == "CubeBackward"
/// ```
public protocol CustomFunction {
  /// Computes the output; runs without recording. Put what the backward needs in `context`.
  static func forward(_ inputs: [Tensor], saving context: inout [Tensor]) -> Tensor
  /// The gradient of each input, from the output's gradient.
  static func backward(_ grad: Tensor, saved: [Tensor]) -> [Tensor?]
}

extension CustomFunction {
  /// Runs the forward and records the op with this type's backward.
  public static func apply(_ inputs: Tensor...) -> Tensor {
    var saved: [Tensor] = []
    let output = noGrad { forward(inputs, saving: &saved) }.detach()
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
    output.gradFn = GraphNode(
      name: "\(Self.self)Backward", inputs: inputs, output: output,
      backward: { grad, _ in backward(grad, saved: saved) })
    return output
  }
}
