/// How a loss turns per-element losses into its result (PyTorch's `reduction=` argument).
///
/// The losses themselves arrive with KindlingNN's layers; this is the option they take.
///
/// ```swift
/// Reduction(pytorchName: "sum")       // .sum
/// Reduction.mean.reduce([1, 2, 3])    // [2.0]
/// ```
public enum Reduction: String, CaseIterable, Sendable {
  /// Keep one loss per element (`reduction='none'`).
  case none
  /// Average the losses (`reduction='mean'`, the default).
  case mean
  /// Add the losses up (`reduction='sum'`).
  case sum

  /// Parses PyTorch's spelling; `nil` for anything else.
  public init?(pytorchName: String) { self.init(rawValue: pytorchName) }

  /// Applies the reduction to per-element losses, for reference and for tests of the losses:
  /// `none` returns them unchanged, `mean` and `sum` a single value (`mean` of nothing is NaN,
  /// as in PyTorch).
  public func reduce(_ losses: [Double]) -> [Double] {
    switch self {
    case .none: losses
    case .sum: [losses.reduce(0, +)]
    case .mean: [losses.reduce(0, +) / Double(losses.count)]
    }
  }
}
