/// One entry of a subscript: what to take along one dimension (or several, for `.ellipsis`).
///
/// Integers, Swift ranges and tensors convert to it, so subscripts read like PyTorch's:
///
/// ```swift
/// t[0]                          // t[0]
/// t[.all, 0]                    // t[:, 0]
/// t[.ellipsis, -1]              // t[..., -1]
/// t[.all, .range(1..<3, step: 2)] // t[:, 1:3:2]
/// t[0, 1..<3]                   // t[0, 1:3]
/// t[.all, ..<(-1)]              // t[:, :-1]
/// t[.newAxis]                   // t[None]
/// t[Tensor([2, 0])]             // advanced indexing with an integer tensor
/// t[t .> 2]                     // a boolean mask
/// ```
public enum TensorIndex {
  /// One position; removes the dimension. Negative counts from the end.
  case index(Int)
  /// Positions `start, start + step, …` before `end`; `nil` bounds mean the ends. Negative
  /// bounds count from the end, and bounds past the ends are clamped, as in Python.
  case slice(start: Int?, end: Int?, step: Int)
  /// Every dimension not named by the other entries (`...`); written `.ellipsis`.
  case remainingDimensions
  /// A new dimension of size 1 (`None`); written `.newAxis`.
  case insertedAxis
  /// Advanced indexing: an integer tensor picks positions, a boolean tensor is a mask.
  case tensor(Tensor)
}

/// A value usable inside a tensor subscript: `Int`, Swift ranges, ``TensorIndex`` and
/// ``Tensor``.
public protocol TensorIndexConvertible {
  /// The index this value stands for.
  var tensorIndex: TensorIndex { get }
}

extension TensorIndexConvertible where Self == TensorIndex {
  /// The whole dimension (`:`).
  public static var all: TensorIndex { TensorIndex.slice(start: nil, end: nil, step: 1) }
  /// Every dimension not named by the other entries (`...`).
  public static var ellipsis: TensorIndex { TensorIndex.remainingDimensions }
  /// A new dimension of size 1 (`None`).
  public static var newAxis: TensorIndex { TensorIndex.insertedAxis }
  /// A range with a step (`1:3:2`).
  public static func range(_ range: Range<Int>, step: Int) -> TensorIndex {
    TensorIndex.slice(start: range.lowerBound, end: range.upperBound, step: step)
  }
  /// A slice with optional, possibly negative bounds (`1:-1`).
  public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
    TensorIndex.slice(start: start, end: end, step: step)
  }
}

extension TensorIndex: TensorIndexConvertible {
  public var tensorIndex: TensorIndex { self }
}

extension Int: TensorIndexConvertible {
  public var tensorIndex: TensorIndex { .index(self) }
}

extension Range: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound, step: 1) }
}

extension ClosedRange: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: nil, step: 1) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound, step: 1) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
  public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension Tensor: TensorIndexConvertible {
  public var tensorIndex: TensorIndex { .tensor(self) }
}
