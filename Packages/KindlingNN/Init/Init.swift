import Foundation

/// Weight initialization, PyTorch's `torch.nn.init`: each function fills a tensor in place,
/// without recording gradients, drawing from `generator` (the default generator unless given)
/// exactly as PyTorch draws, so seeded runs give PyTorch's numbers.
///
/// ```swift
/// let w = Tensor.zeros([256, 784])
/// Init.kaimingUniform_(w, a: 5.0.squareRoot())   // what Linear(784, 256) does
/// Init.xavierNormal_(w, gain: Init.gain(.tanh))
/// ```
public enum Init {
  /// Fills with values drawn uniformly from [`low`, `high`).
  @discardableResult
  public static func uniform_(_ tensor: Tensor, _ low: Double = 0, _ high: Double = 1, generator: Generator = .default)
    -> Tensor
  {
    noGrad { tensor.uniform_(from: low, to: high, generator: generator) }
  }

  /// Fills with values drawn from the normal distribution N(`mean`, `std`²).
  @discardableResult
  public static func normal_(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator = .default)
    -> Tensor
  {
    noGrad { tensor.normal_(mean: mean, std: std, generator: generator) }
  }

  /// Fills with `value`.
  @discardableResult
  public static func constant_(_ tensor: Tensor, _ value: Double) -> Tensor { noGrad { tensor.fill_(value) } }

  /// Fills with ones.
  @discardableResult
  public static func ones_(_ tensor: Tensor) -> Tensor { constant_(tensor, 1) }

  /// Fills with zeros.
  @discardableResult
  public static func zeros_(_ tensor: Tensor) -> Tensor { constant_(tensor, 0) }

  /// Fills a 2-d tensor with the identity matrix (ones on the diagonal).
  @discardableResult
  public static func eye_(_ tensor: Tensor) -> Tensor {
    precondition(tensor.rank == 2, "Only tensors with 2 dimensions are supported")
    return noGrad { tensor.copy_(Tensor.eye(tensor.shape[0], tensor.shape[1], dtype: tensor.dtype)) }
  }

  /// Glorot uniform: U(-a, a) with a = gain·√(6 / (fanIn + fanOut)).
  @discardableResult
  public static func xavierUniform_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
    let (fanIn, fanOut) = fans(of: tensor)
    let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
    let bound = 3.0.squareRoot() * std
    return uniform_(tensor, -bound, bound, generator: generator)
  }

  /// Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)).
  @discardableResult
  public static func xavierNormal_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
    let (fanIn, fanOut) = fans(of: tensor)
    return normal_(tensor, mean: 0, std: gain * (2.0 / Double(fanIn + fanOut)).squareRoot(), generator: generator)
  }

  /// He uniform: U(-bound, bound) with bound = gain·√(3 / fan), gain from `nonlinearity` and the
  /// negative slope `a`. `Linear` and the convolutions use `a: √5`.
  @discardableResult
  public static func kaimingUniform_(
    _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
    generator: Generator = .default
  ) -> Tensor {
    if tensor.shape.contains(0) { return tensor }  // PyTorch warns and leaves empty tensors alone
    let std = gain(nonlinearity, parameter: a) / Double(fan(tensor, mode)).squareRoot()
    let bound = 3.0.squareRoot() * std
    return uniform_(tensor, -bound, bound, generator: generator)
  }

  /// He normal: N(0, std²) with std = gain / √fan.
  @discardableResult
  public static func kaimingNormal_(
    _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu,
    generator: Generator = .default
  ) -> Tensor {
    if tensor.shape.contains(0) { return tensor }
    let std = gain(nonlinearity, parameter: a) / Double(fan(tensor, mode)).squareRoot()
    return normal_(tensor, mean: 0, std: std, generator: generator)
  }

  /// A (semi-)orthogonal matrix scaled by `gain`, from the QR decomposition of a standard normal
  /// draw with the signs of R's diagonal folded in (PyTorch's `orthogonal_`). Dimensions after
  /// the first are flattened.
  @discardableResult
  public static func orthogonal_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
    precondition(tensor.rank >= 2, "Only tensors with 2 or more dimensions are supported")
    if tensor.count == 0 { return tensor }
    let rows = tensor.shape[0], columns = tensor.count / rows
    let draw = Tensor.empty([rows, columns], dtype: tensor.dtype)
    _ = draw.normal_(mean: 0, std: 1, generator: generator)
    let values = draw.to(.float64).scalars(as: Double.self)
    let q = HouseholderQR.orthonormalFactor(values, rows: rows, columns: columns)
    return noGrad { tensor.copy_(Tensor(scalars: q.map { $0 * gain }, shape: tensor.shape)) }
  }

  private static func fan(_ tensor: Tensor, _ mode: FanMode) -> Int {
    let (fanIn, fanOut) = fans(of: tensor)
    return mode == .fanIn ? fanIn : fanOut
  }
}
