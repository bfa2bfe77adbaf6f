/// Batches of an ``IterableDataset``, read in stream order on the calling thread: every
/// `batchSize` samples are collated into one batch; a shorter last batch is kept unless
/// `dropLast`. Errors from the stream or the collate function are rethrown as they are.
///
/// ```swift
/// let loader = IterableDataLoader(lines, batchSize: 32)
/// var batches = loader.makeIterator()
/// while let batch = try batches.next() { … }
/// ```
public struct IterableDataLoader<Source: IterableDataset, Batch>: Sendable {
  /// The stream read.
  public let dataset: Source
  /// Samples per batch.
  public let batchSize: Int
  /// Whether a final batch shorter than ``batchSize`` is dropped.
  public let dropLast: Bool
  private let collate: Collate<Source.Sample, Batch>

  /// Batches `dataset` with `collate`.
  public init(_ dataset: Source, batchSize: Int = 1, dropLast: Bool = false, collate: Collate<Source.Sample, Batch>) {
    precondition(
      batchSize > 0,
      "IterableDataLoader: batch_size should be a positive integer value, but got batch_size=\(batchSize)")
    self.dataset = dataset
    self.batchSize = batchSize
    self.dropLast = dropLast
    self.collate = collate
  }

  /// A new pass over the stream.
  public func makeIterator() -> Iterator {
    Iterator(samples: dataset.makeSampleIterator(), batchSize: batchSize, dropLast: dropLast, collate: collate)
  }

  /// Runs `body` on every batch, in order; rethrows the first error.
  public func forEach(_ body: (Batch) throws -> Void) throws {
    var iterator = makeIterator()
    while let batch = try iterator.next() { try body(batch) }
  }

  /// One pass of an ``IterableDataLoader``.
  public struct Iterator: ThrowingIteratorProtocol {
    var samples: Source.SampleIterator
    let batchSize: Int
    let dropLast: Bool
    let collate: Collate<Source.Sample, Batch>
    var finished = false

    /// The next batch, `nil` at the end of the stream.
    public mutating func next() throws -> Batch? {
      guard !finished else { return nil }
      var batch: [Source.Sample] = []
      while batch.count < batchSize, let sample = try samples.next() { batch.append(sample) }
      if batch.count < batchSize { finished = true }
      guard !batch.isEmpty, !(dropLast && batch.count < batchSize) else { return nil }
      return try collate(batch)
    }
  }
}

extension IterableDataLoader where Source.Sample: Collatable, Batch == Source.Sample.Batch {
  /// Batches `dataset` with the sample type's ``Collatable/collate(_:)``.
  public init(_ dataset: Source, batchSize: Int = 1, dropLast: Bool = false) {
    self.init(dataset, batchSize: batchSize, dropLast: dropLast, collate: .default)
  }
}
