/// Groups of indices: the unit a ``DataLoader`` fetches and collates at once.
///
/// ```swift
/// struct Pairs: BatchSampling {
///   var count: Int { 2 }
///   func makeBatches() -> [[Int]] { [[0, 1], [2, 3]] }
/// }
/// ```
public protocol BatchSampling: Sendable {
  /// How many batches one epoch yields (`len(batch_sampler)`).
  var count: Int { get }
  /// One epoch's batches, in order.
  func makeBatches() -> [[Int]]
}

/// A ``Sampler``'s indices cut into batches of `batchSize` (`torch.utils.data.BatchSampler`);
/// with `dropLast` a short final batch is dropped.
///
/// ```swift
/// BatchSampler(SequentialSampler(count: 10), batchSize: 3, dropLast: false).makeBatches()
/// // [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
/// ```
public struct BatchSampler: BatchSampling {
  /// The sampler whose indices are grouped.
  public let sampler: any Sampler
  /// Indices per batch.
  public let batchSize: Int
  /// Whether a final batch shorter than ``batchSize`` is dropped.
  public let dropLast: Bool

  /// Groups `sampler`'s indices.
  ///
  /// - Precondition: `batchSize > 0`.
  public init(_ sampler: any Sampler, batchSize: Int, dropLast: Bool) {
    precondition(
      batchSize > 0, "BatchSampler: batch_size should be a positive integer value, but got batch_size=\(batchSize)")
    self.sampler = sampler
    self.batchSize = batchSize
    self.dropLast = dropLast
  }

  public var count: Int {
    dropLast ? sampler.count / batchSize : (sampler.count + batchSize - 1) / batchSize
  }

  public func makeBatches() -> [[Int]] {
    let indices = sampler.makeIndices()
    let end = dropLast ? indices.count - indices.count % batchSize : indices.count
    return stride(from: 0, to: end, by: batchSize).map { Array(indices[$0..<min($0 + batchSize, end)]) }
  }
}
