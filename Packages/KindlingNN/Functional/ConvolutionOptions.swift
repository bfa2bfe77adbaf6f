/// How a convolution pads its input (PyTorch's `padding` argument: an int, a tuple, `'valid'` or
/// `'same'`).
///
/// ```swift
/// conv2d(x, weight: w, padding: 1)         // one zero on every side
/// conv2d(x, weight: w, padding: [1, 2])    // 1 above and below, 2 left and right
/// conv2d(x, weight: w, padding: .same)     // output as large as the input (stride 1 only)
/// ```
public enum ConvPadding: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
  /// No padding (`padding='valid'`, the same as 0).
  case valid
  /// Zeros so the output has the input's size; an even total is split evenly, an odd one puts
  /// the extra zero after (stride 1 only).
  case same
  /// This many zeros on both sides of each spatial dimension (one value for every dimension, or
  /// one per dimension).
  case explicit([Int])

  public init(integerLiteral value: Int) { self = .explicit([value]) }
  public init(arrayLiteral elements: Int...) { self = .explicit(elements) }

  /// PyTorch's printout of the padding (`same`, `valid`, `(1, 1)`).
  func description(spatialRank: Int) -> String {
    switch self {
    case .valid: "valid"
    case .same: "same"
    case .explicit(let values): pythonTuple(expandedSizes(values, count: spatialRank, name: "padding", op: "conv"))
    }
  }

  /// Whether the printout shows the padding (PyTorch omits zero explicit padding).
  var isShown: Bool {
    if case .explicit(let values) = self { return values.contains { $0 != 0 } }
    return true
  }
}

/// `values` expanded to `count` entries: one value is repeated, `count` values are taken as they
/// are, anything else stops with PyTorch's message.
func expandedSizes(_ values: [Int], count: Int, name: String, op: String) -> [Int] {
  if values.count == 1 { return Array(repeating: values[0], count: count) }
  precondition(
    values.count == count,
    "\(op): expected \(name) to be a single integer value or a list of \(count) values to match the convolution dimensions, but got \(name)=\(values)"
  )
  return values
}

/// A shape as PyTorch's messages print it: `[64, 3, 28, 28]`.
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

/// Sizes joined as in PyTorch's "per channel" messages: `(2 x 2)`.
func sizesText(_ sizes: [Int]) -> String { "(" + sizes.map(String.init).joined(separator: " x ") + ")" }
