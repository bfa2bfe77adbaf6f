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

/// The worker threads of one epoch and the batches they have finished.
///
/// Workers claim batch numbers in order, at most `window` ahead of the consumer, and park the
/// results in a ring of `window` slots (batch `b` in slot `b % window`); the consumer takes them
/// in order. A finished batch wakes the consumer only when it sleeps waiting for that batch, and
/// a taken batch wakes one worker only when one waits for room: every wake-up costs a system
/// call on one side and a trip through the scheduler on the other.
final class BatchPipeline<Batch>: @unchecked Sendable {
  private let monitor = Monitor()
  private let count: Int
  private let window: Int
  private var produce: (@Sendable (Int) -> Result<Batch, DataLoaderError>)?
  private var nextClaim = 0
  private var nextTake = 0
  private var slots: [Result<Batch, DataLoaderError>?]
  private var stopped = false
  private var liveWorkers = 0
  /// Whether the consumer waits on `.batchReady` for batch `nextTake`.
  private var consumerWaits = false
  /// How many workers wait on `.roomInWindow`.
  private var waitingWorkers = 0

  init(count: Int, window: Int, produce: @escaping @Sendable (Int) -> Result<Batch, DataLoaderError>) {
    self.count = count
    self.window = max(window, 1)
    self.produce = produce
    slots = Array(repeating: nil, count: self.window)
  }

  func start(workers: Int) {
    monitor.lock()
    liveWorkers = workers
    monitor.unlock()
    for worker in 0..<workers {
      // Each worker gathers and collates its batches on its own core: kernels inside run
      // serially instead of splitting across cores the other workers are using.
      let thread = Thread { [self] in Parallel.serially { work() } }
      thread.name = "KindlingData worker \(worker)"
      thread.start()
    }
  }

  /// A worker's loop: claim a batch within the window, produce it unlocked, park it.
  ///
  /// Wake-ups are sent after the mutex is released: a thread woken while the waker still holds
  /// it would only go back to sleep on the mutex.
  private func work() {
    monitor.lock()
    while true {
      while !stopped && nextClaim < count && nextClaim >= nextTake + window {
        waitingWorkers += 1
        monitor.wait(.roomInWindow)
        waitingWorkers -= 1
      }
      guard !stopped, nextClaim < count, let produce else { break }
      let batch = nextClaim
      nextClaim += 1
      monitor.unlock()
      let result = produce(batch)
      monitor.lock()
      guard !stopped else { break }
      slots[batch % window] = result
      if consumerWaits && batch == nextTake {
        consumerWaits = false  // one wake-up is enough
        monitor.unlock()
        monitor.signal(.batchReady)
        monitor.lock()
      }
    }
    liveWorkers -= 1
    monitor.broadcast(.batchReady)  // stop() waits there for the last worker to leave
    monitor.unlock()
  }

  /// Batch number `batch` (the next in order), waiting for it.
  func take(_ batch: Int) -> Result<Batch, DataLoaderError> {
    monitor.lock()
    let slot = batch % window
    while slots[slot] == nil {
      consumerWaits = true
      monitor.wait(.batchReady)
    }
    consumerWaits = false
    let result = slots[slot].take()!
    nextTake = batch + 1
    let wakeWorker = waitingWorkers > 0
    monitor.unlock()
    if wakeWorker { monitor.signal(.roomInWindow) }
    return result
  }

  /// Stops the workers, waits until they have left, and drops every batch and the producer
  /// (with it the data set).
  func stop() {
    monitor.lock()
    stopped = true
    monitor.broadcast(.roomInWindow)
    while liveWorkers > 0 { monitor.wait(.batchReady) }
    slots = []
    produce = nil
    monitor.unlock()
  }
}

private extension Monitor.Condition {
  /// The consumer waits here for its next batch (and `stop()` for the workers to leave).
  static let batchReady = Monitor.Condition.first
  /// Workers wait here for the consumer to take a batch, making room in the window.
  static let roomInWindow = Monitor.Condition.second
}
