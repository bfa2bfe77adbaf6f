import KindlingTensor

/// Batches of a ``Dataset`` in sampler order, fetched on worker threads
/// (`torch.utils.data.DataLoader`).
///
/// Iterate with ``makeIterator()``, whose ``DataLoaderIterator/next()`` throws, or with
/// ``forEach(_:)``, which rethrows. An error in a sample's fetch or in collation reaches the
/// caller as a ``DataLoaderError`` naming the sample index (and batch); the epoch stops there.
///
/// Randomness follows PyTorch: each epoch (each ``makeIterator()``) first draws a base seed from
/// `generator` (or `Generator.default`), then the sampler draws its order, so with
/// `shuffle: true` and a seeded generator the batches hold exactly PyTorch's indices. Random
/// transforms draw from ``RandomContext/generator``, which the loader seeds per batch from
/// the base seed, so augmentation is the same for a seed whatever the worker count.
///
/// Workers are threads that share the data set: up to `workers × prefetch` batches are in
/// flight, and batches come out in sampler order for any worker count. Dropping the iterator
/// (for example by breaking out of the loop) stops the workers and releases the data set.
///
/// ```swift
/// let train = try FashionMNIST().map { image, label in (ToFloat()(image), label) }
/// let loader = DataLoader(train, batchSize: 64, shuffle: true, workers: 2, generator: Generator(seed: 0))
/// var batches = loader.makeIterator()
/// while let (images, labels) = try batches.next() {
///   // images: float32 [64, 1, 28, 28], labels: int64 [64]
/// }
/// ```
public final class DataLoader<Source: Dataset, Batch>: Sendable {
  /// The data set read.
  public let dataset: Source
  /// Samples per batch (`nil` when a batch sampler decides).
  public let batchSize: Int?
  /// Whether a short final batch is dropped.
  public let dropLast: Bool
  /// Worker threads; 0 fetches on the calling thread.
  public let workers: Int
  /// Batches in flight per worker (`prefetch_factor`); `nil` without workers.
  public let prefetch: Int?
  /// The generator for the base seed and the default shuffling sampler.
  public let generator: Generator?
  /// The batches' indices, one epoch per ``makeIterator()``.
  public let batchSampler: any BatchSampling
  private let collate: Collate<Source.Sample, Batch>

  /// A loader of `dataset` that merges batches with `collate`.
  ///
  /// - Parameters:
  ///   - batchSize: samples per batch (1 unless given); excludes `batchSampler`.
  ///   - shuffle: visit samples in a new random order each epoch (a ``RandomSampler`` with
  ///     `generator`); excludes `sampler`.
  ///   - sampler: the order of sample indices.
  ///   - batchSampler: the batches' indices directly; excludes `batchSize`, `shuffle`, `sampler`
  ///     and `dropLast`.
  ///   - dropLast: drop a final batch shorter than `batchSize`.
  ///   - collate: merges a batch's samples.
  ///   - workers: worker threads (0: fetch on the caller's thread).
  ///   - prefetch: batches each worker may have in flight (default 2); only with workers.
  ///   - generator: draws the base seed and the shuffle order (`Generator.default` when `nil`).
  /// - Precondition: the options are consistent (PyTorch's `ValueError`s, same words).
  public init(
    _ dataset: Source, batchSize: Int? = nil, shuffle: Bool = false, sampler: (any Sampler)? = nil,
    batchSampler: (any BatchSampling)? = nil, dropLast: Bool = false, collate: Collate<Source.Sample, Batch>,
    workers: Int = 0, prefetch: Int? = nil, generator: Generator? = nil
  ) {
    precondition(
      workers >= 0,
      "DataLoader: num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    precondition(
      workers > 0 || prefetch == nil,
      "DataLoader: prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
        + "multiprocessing, otherwise set prefetch_factor to None.")
    precondition(prefetch.map { $0 > 0 } ?? true, "DataLoader: prefetch_factor must be positive, got \(prefetch!)")
    precondition(!(shuffle && sampler != nil), "DataLoader: sampler option is mutually exclusive with shuffle")
    if let batchSampler {
      precondition(
        batchSize == nil && !shuffle && sampler == nil && !dropLast,
        "DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
      self.batchSampler = batchSampler
    } else {
      let order = sampler ?? (shuffle ? RandomSampler(dataset, generator: generator) : SequentialSampler(dataset))
      self.batchSampler = BatchSampler(order, batchSize: batchSize ?? 1, dropLast: dropLast)
    }
    self.dataset = dataset
    self.batchSize = batchSampler == nil ? batchSize ?? 1 : nil
    self.dropLast = dropLast
    self.collate = collate
    self.workers = workers
    self.prefetch = workers > 0 ? prefetch ?? 2 : nil
    self.generator = generator
  }

  /// The number of batches per epoch (`len(loader)`).
  public var count: Int { batchSampler.count }

  /// A new epoch: draws the base seed, then the batches' order, then starts the workers.
  public func makeIterator() -> DataLoaderIterator<Batch> {
    let baseSeed = (generator ?? .default).randomInt64Seed()
    let plan = batchSampler.makeBatches()
    let dataset = self.dataset, collate = self.collate
    let batched = collate.isDefault ? dataset as? any BatchFetching<Batch> : nil
    let produce: @Sendable (Int) -> Result<Batch, DataLoaderError> = { batch in
      RandomContext.$batch.withValue(BatchGenerator(seed: baseSeed &+ UInt64(batch))) {
        if let batched { return fetch(batch: batch, indices: plan[batch], from: batched) }
        return fetch(batch: batch, indices: plan[batch], dataset: dataset, collate: collate)
      }
    }
    return DataLoaderIterator(
      plan: plan, workers: workers, window: workers * (prefetch ?? 0), baseSeed: baseSeed, produce: produce)
  }

  /// Runs `body` on every batch of one epoch, in order; rethrows the first error (from the
  /// loader or from `body`) after stopping the workers.
  ///
  /// ```swift
  /// try loader.forEach { images, labels in … }
  /// ```
  public func forEach(_ body: (Batch) throws -> Void) throws {
    let iterator = makeIterator()
    while let batch = try iterator.next() { try body(batch) }
  }
}

/// Fetches and collates one batch, wrapping errors with where they happened.
private func fetch<Source: Dataset, Batch>(
  batch: Int, indices: [Int], dataset: Source, collate: Collate<Source.Sample, Batch>
) -> Result<Batch, DataLoaderError> {
  var samples: [Source.Sample] = []
  samples.reserveCapacity(indices.count)
  for index in indices {
    do {
      try samples.append(dataset[index])
    } catch {
      return .failure(.sampleFailed(index: index, batch: batch, underlying: error))
    }
  }
  do {
    return .success(try collate(samples))
  } catch {
    return .failure(.collateFailed(batch: batch, indices: indices, underlying: error))
  }
}

/// Batch `batch` in one call of a ``BatchFetching`` data set.
private func fetch<Batch>(batch: Int, indices: [Int], from dataset: any BatchFetching<Batch>) -> Result<
  Batch, DataLoaderError
> {
  do {
    return .success(try dataset.fetchBatch(indices))
  } catch {
    return .failure(.collateFailed(batch: batch, indices: indices, underlying: error))
  }
}

extension DataLoader where Source.Sample: Collatable, Batch == Source.Sample.Batch {
  /// A loader that collates with the sample type's ``Collatable/collate(_:)``: tensors stack,
  /// numbers become tensors, arrays and dictionaries collate per element.
  ///
  /// ```swift
  /// let loader = DataLoader(TensorDataset(x, y), batchSize: 32, shuffle: true)   // batches: [Tensor]
  /// ```
  public convenience init(
    _ dataset: Source, batchSize: Int? = nil, shuffle: Bool = false, sampler: (any Sampler)? = nil,
    batchSampler: (any BatchSampling)? = nil, dropLast: Bool = false, workers: Int = 0, prefetch: Int? = nil,
    generator: Generator? = nil
  ) {
    self.init(
      dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
      dropLast: dropLast, collate: .default, workers: workers, prefetch: prefetch, generator: generator)
  }
}

extension DataLoader {
  /// A loader of tuple samples, collated position by position with ``defaultCollate(_:)-(_)``:
  /// `(Tensor, Int)` samples give `(Tensor [B, …], Tensor int64 [B])` batches.
  ///
  /// ```swift
  /// let loader = DataLoader(try FashionMNIST(), batchSize: 64)
  /// var batches = loader.makeIterator()
  /// let (images, labels) = try batches.next()!   // uint8 [64, 28, 28], int64 [64]
  /// ```
  public convenience init<each T: Collatable>(
    _ dataset: Source, batchSize: Int? = nil, shuffle: Bool = false, sampler: (any Sampler)? = nil,
    batchSampler: (any BatchSampling)? = nil, dropLast: Bool = false, workers: Int = 0, prefetch: Int? = nil,
    generator: Generator? = nil
  ) where Source.Sample == (repeat each T), Batch == (repeat (each T).Batch) {
    self.init(
      dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
      dropLast: dropLast, collate: Collate(isDefault: true) { samples in try defaultCollate(samples) },
      workers: workers,
      prefetch: prefetch, generator: generator)
  }
}
