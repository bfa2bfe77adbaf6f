/// A shape or dimension that an operation cannot accept, with PyTorch's wording.
///
/// The Tensor layer turns these into a stop that names the op; code that takes shapes from
/// outside (a checkpoint, a file) can catch them.
public enum ShapeError: Error, Equatable, Sendable {
  /// Two shapes cannot be broadcast: sizes differ at `dimension` of the result and neither is 1.
  case notBroadcastable(shapeA: [Int], shapeB: [Int], sizeA: Int, sizeB: Int, dimension: Int)
  /// A dimension index outside `-rank ..< rank`.
  case dimensionOutOfRange(dimension: Int, rank: Int)
  /// A dimension given for a tensor with no dimensions where none can be wrapped.
  case noDimensions(dimension: Int)
  /// A size that is negative.
  case negativeSize(shape: [Int])
}

extension ShapeError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .notBroadcastable(_, _, let a, let b, let dimension):
      "The size of tensor a (\(a)) must match the size of tensor b (\(b)) at non-singleton dimension \(dimension)"
    case .dimensionOutOfRange(let dimension, let rank):
      "Dimension out of range (expected to be in range of [\(-rank), \(rank - 1)], but got \(dimension))"
    case .noDimensions(let dimension):
      "dimension specified as \(dimension) but tensor has no dimensions"
    case .negativeSize(let shape):
      "Trying to create tensor with negative dimension \(shape.first { $0 < 0 } ?? 0): \(shape)"
    }
  }
}
