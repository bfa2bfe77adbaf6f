/// Fan-in and fan-out of a weight tensor, PyTorch's `_calculate_fan_in_and_fan_out`: for a
/// weight `[out, in, k1, k2, …]`, fan-in is `in·k1·k2·…` and fan-out `out·k1·k2·…`.
///
/// ```swift
/// Init.fans(of: Tensor.zeros([16, 3, 5, 5]))   // (fanIn: 75, fanOut: 400)
/// ```
extension Init {
  public static func fans(of tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
    precondition(
      tensor.rank >= 2, "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    let receptive = tensor.shape.dropFirst(2).reduce(1, *)
    return (tensor.shape[1] * receptive, tensor.shape[0] * receptive)
  }

  /// Which fan a Kaiming initialization scales by.
  public enum FanMode: String, Sendable {
    /// Preserves the variance of activations in the forward pass (the default).
    case fanIn = "fan_in"
    /// Preserves the variance of gradients in the backward pass.
    case fanOut = "fan_out"
  }

  /// The recommended gain for a nonlinearity, PyTorch's `calculate_gain`: 1 for linear,
  /// convolutions and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky relu
  /// (slope `parameter`, 0.01 when nil), 3/4 for selu.
  ///
  /// ```swift
  /// Init.gain(.relu)   // 1.4142135623730951
  /// ```
  public static func gain(_ nonlinearity: Nonlinearity, parameter: Double? = nil) -> Double {
    switch nonlinearity {
    case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid: 1
    case .tanh: 5.0 / 3
    case .relu: 2.0.squareRoot()
    case .leakyRelu:
      (2.0 / (1 + (parameter ?? 0.01) * (parameter ?? 0.01))).squareRoot()
    case .selu: 3.0 / 4
    }
  }

  /// The nonlinearities ``gain(_:parameter:)`` knows, with PyTorch's names as raw values.
  public enum Nonlinearity: String, Sendable {
    case linear, sigmoid, tanh, relu, selu
    case conv1d, conv2d, conv3d
    case convTranspose1d = "conv_transpose1d", convTranspose2d = "conv_transpose2d"
    case convTranspose3d = "conv_transpose3d"
    case leakyRelu = "leaky_relu"
  }
}
