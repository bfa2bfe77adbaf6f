/// A map-style data set: `count` samples, each fetched by its index (`torch.utils.data.Dataset`).
///
/// The subscript may throw (a file that cannot be read, a corrupt record); a ``DataLoader``
/// hands such an error to its caller wrapped in ``DataLoaderError`` with the sample's index.
/// Data sets are `Sendable` because a loader's worker threads share one instance.
///
/// ```swift
/// struct Squares: Dataset {
///   var count: Int { 10 }
///   subscript(index: Int) -> (Tensor, Int) { (Tensor([Float(index * index)]), index % 2) }
/// }
/// let loader = DataLoader(Squares(), batchSize: 4)
/// ```
public protocol Dataset<Sample>: Sendable {
  /// What one index yields: a tensor, a number, a tuple or dictionary of them, …
  associatedtype Sample
  /// The number of samples (`len(dataset)`).
  var count: Int { get }
  /// Sample number `index`, `0..<count`.
  subscript(index: Int) -> Sample { get throws }
}

/// An iterable-style data set: a stream of samples with no random access
/// (`torch.utils.data.IterableDataset`), such as lines of a file read as they come.
///
/// ```swift
/// struct Countdown: IterableDataset {
///   func makeSampleIterator() -> AnySampleIterator<Int> {
///     var n = 3
///     return AnySampleIterator {
///       defer { n -= 1 }
///       return n > 0 ? n : nil
///     }
///   }
/// }
/// let loader = IterableDataLoader(Countdown(), batchSize: 2)   // tensor([3, 2]), tensor([1])
/// ```
public protocol IterableDataset<Sample>: Sendable {
  associatedtype Sample
  associatedtype SampleIterator: ThrowingIteratorProtocol where SampleIterator.Element == Sample
  /// A fresh pass over the samples.
  func makeSampleIterator() -> SampleIterator
}

/// An iterator whose `next()` may throw: the iteration protocol of ``IterableDataset`` and of
/// ``DataLoader``'s batches.
public protocol ThrowingIteratorProtocol<Element> {
  associatedtype Element
  /// The next element, `nil` at the end.
  mutating func next() throws -> Element?
}

/// A ``ThrowingIteratorProtocol`` made from a closure.
///
/// ```swift
/// var left = [1, 2, 3]
/// var iterator = AnySampleIterator { left.isEmpty ? nil : left.removeFirst() }
/// try iterator.next()   // 1
/// ```
public struct AnySampleIterator<Element>: ThrowingIteratorProtocol {
  private let body: () throws -> Element?
  /// Wraps `body`, called once per `next()`.
  public init(_ body: @escaping () throws -> Element?) { self.body = body }
  public mutating func next() throws -> Element? { try body() }
}

extension Dataset {
  /// Checks `index` against `count` with PyTorch's wording, for subscripts.
  func checkIndex(_ index: Int, _ type: String) {
    precondition(
      index >= 0 && index < count,
      "\(type): index \(index) is out of range for a data set of \(count) samples (valid: 0..<\(count))")
  }
}
