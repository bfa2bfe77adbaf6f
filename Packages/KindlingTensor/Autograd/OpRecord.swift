/// What the op funnel tells autograd about one op: its PyTorch backward name, its inputs, its
/// output and whatever the gradient rule needs (a dimension, an exponent, …).
///
/// ```swift
/// // inside an op: out = x.pow(2)
/// return record(out, "PowBackward0", [x], ["exponent": 2.0])
/// ```
public struct OpRecord {
  /// PyTorch's name for the backward node, such as `MulBackward0`.
  public let name: String
  /// The tensors the op read, in order.
  public let inputs: [Tensor]
  /// The tensor the op made.
  public let output: Tensor
  /// Values the gradient rule needs, by name.
  public let attributes: [String: Any]
}

/// The single point where every op meets autograd. KindlingAutograd installs ``recorder``;
/// without it (a program that uses only KindlingTensor) ops record nothing.
public enum AutogradHook {
  /// Builds the graph node for a recorded op. Set by KindlingAutograd on first use.
  nonisolated(unsafe) public static var recorder: ((OpRecord) -> (any GradientFunction)?)?
}

/// The last step of every op: when grad mode is on and an input requires a gradient, asks
/// autograd for the op's graph node and attaches it to `output`. Returns `output`.
func record(_ output: Tensor, _ name: String, _ inputs: [Tensor], _ attributes: [String: Any] = [:]) -> Tensor {
  guard let recorder = AutogradHook.recorder, inputs.contains(where: { $0.requiresGrad }), GradMode.isEnabled
  else { return output }
  output.gradFn = recorder(OpRecord(name: name, inputs: inputs, output: output, attributes: attributes))
  return output
}
