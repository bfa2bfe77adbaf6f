/// How ``TensorText`` prints a tensor: PyTorch's `torch.set_printoptions` settings.
///
/// ```swift
/// var options = PrintOptions.default
/// options.precision = 2
/// TensorText.render(shape: [1], dtype: .float32, values: .floating([1.12345]), options: options)
/// // "tensor([1.12])"
/// ```
public struct PrintOptions: Sendable, Hashable {
  /// Digits after the decimal point of floating-point values (PyTorch's `precision`).
  public var precision: Int
  /// Tensors with more elements than this are summarized with `...` (PyTorch's `threshold`).
  public var threshold: Int
  /// Items shown at each end of a summarized dimension (PyTorch's `edgeitems`).
  public var edgeitems: Int
  /// Characters per line before a long row wraps (PyTorch's `linewidth`).
  public var linewidth: Int
  /// `true` forces scientific notation, `false` forbids it, `nil` lets the values decide
  /// (PyTorch's `sci_mode`).
  public var sciMode: Bool?

  /// Options with PyTorch's defaults unless given.
  public init(
    precision: Int = 4, threshold: Int = 1000, edgeitems: Int = 3, linewidth: Int = 80, sciMode: Bool? = nil
  ) {
    self.precision = precision
    self.threshold = threshold
    self.edgeitems = edgeitems
    self.linewidth = linewidth
    self.sciMode = sciMode
  }

  /// PyTorch's default profile: precision 4, threshold 1000, edgeitems 3, linewidth 80.
  public static let `default` = PrintOptions()
}
