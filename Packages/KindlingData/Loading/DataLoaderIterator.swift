import Foundation
import KindlingTensor

/// One epoch of a ``DataLoader``: batches in sampler order.
///
/// ``next()`` throws the first ``DataLoaderError``; after an error, or at the end, it returns
/// `nil`. Releasing the iterator early (breaking out of a loop) stops the worker threads and
/// waits for them, so nothing outlives it.
///
/// ```swift
/// let batches = loader.makeIterator()
/// while let batch = try batches.next() {
///   if done { break }   // the workers stop when `batches` goes away
/// }
/// ```
public final class DataLoaderIterator<Batch>: ThrowingIteratorProtocol {
  /// The seed this epoch's per-batch generators derive from (PyTorch's `_base_seed`).
  public let baseSeed: UInt64
  /// The number of batches this epoch.
  public let count: Int
  private let pipeline: BatchPipeline<Batch>?
  private let produce: (@Sendable (Int) -> Result<Batch, DataLoaderError>)?
  private var position = 0
  private var finished = false

  init(
    plan: [[Int]], workers: Int, window: Int, baseSeed: UInt64,
    produce: @escaping @Sendable (Int) -> Result<Batch, DataLoaderError>
  ) {
    self.baseSeed = baseSeed
    count = plan.count
    if workers > 0 {
      pipeline = BatchPipeline(count: plan.count, window: window, produce: produce)
      pipeline!.start(workers: workers)
      self.produce = nil
    } else {
      pipeline = nil
      self.produce = produce
    }
  }

  deinit { pipeline?.stop() }

  /// The next batch, `nil` after the last one.
  ///
  /// - Throws: ``DataLoaderError`` if fetching or collating the batch failed; the workers are
  ///   stopped and later calls return `nil`.
  public func next() throws(DataLoaderError) -> Batch? {
    guard !finished, position < count else { return nil }
    let result = pipeline.map { $0.take(position) } ?? produce!(position)
    position += 1
    switch result {
    case .success(let batch):
      return batch
    case .failure(let error):
      finished = true
      pipeline?.stop()
      throw error
    }
  }
}

/// The worker threads of one epoch and the batches they have finished, behind one condition.
///
/// Workers claim batch numbers in order, at most `window` ahead of the consumer, and park the
/// results by number; the consumer takes them in order.
final class BatchPipeline<Batch>: @unchecked Sendable {
  private let condition = NSCondition()
  private let count: Int
  private let window: Int
  private var produce: (@Sendable (Int) -> Result<Batch, DataLoaderError>)?
  private var nextClaim = 0
  private var nextTake = 0
  private var ready: [Int: Result<Batch, DataLoaderError>] = [:]
  private var stopped = false
  private var liveWorkers = 0

  init(count: Int, window: Int, produce: @escaping @Sendable (Int) -> Result<Batch, DataLoaderError>) {
    self.count = count
    self.window = max(window, 1)
    self.produce = produce
  }

  func start(workers: Int) {
    condition.lock()
    liveWorkers = workers
    condition.unlock()
    for worker in 0..<workers {
      // Each worker gathers and collates its batches on its own core: kernels inside run
      // serially instead of splitting across cores the other workers are using.
      let thread = Thread { [self] in Parallel.serially { work() } }
      thread.name = "KindlingData worker \(worker)"
      thread.start()
    }
  }

  /// A worker's loop: claim a batch within the window, produce it unlocked, park it.
  private func work() {
    condition.lock()
    while true {
      while !stopped && nextClaim < count && nextClaim >= nextTake + window { condition.wait() }
      guard !stopped, nextClaim < count, let produce else { break }
      let batch = nextClaim
      nextClaim += 1
      condition.unlock()
      let result = produce(batch)
      condition.lock()
      if !stopped { ready[batch] = result }
      condition.broadcast()
    }
    liveWorkers -= 1
    condition.broadcast()
    condition.unlock()
  }

  /// Batch number `batch` (the next in order), waiting for it.
  func take(_ batch: Int) -> Result<Batch, DataLoaderError> {
    condition.lock()
    defer { condition.unlock() }
    while ready[batch] == nil { condition.wait() }
    nextTake = batch + 1
    condition.broadcast()
    return ready.removeValue(forKey: batch)!
  }

  /// Stops the workers, waits until they have left, and drops every batch and the producer
  /// (with it the data set).
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while liveWorkers > 0 { condition.wait() }
    ready.removeAll()
    produce = nil
    condition.unlock()
  }
}
