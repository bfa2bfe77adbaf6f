import Foundation
import KindlingTensor
import KindlingTestSupport
import Synchronization
import Testing

@testable import KindlingData

/// A data set whose sample `i` is `(Tensor [2] of i, i)`, failing at `failAt`, tracking how far
/// ahead of the consumer the workers fetch, and owning a ``Tracker`` to watch its lifetime.
private struct Probe: Dataset {
  final class Tracker: Sendable {
    let state = Mutex((taken: 0, maxAhead: 0, threads: Set<ObjectIdentifier>()))
  }
  struct Failure: Error, Equatable { let index: Int }

  let count: Int
  var failAt: Int? = nil
  var delay: Duration = .zero
  let tracker = Tracker()

  subscript(index: Int) -> (Tensor, Int) {
    get throws {
      tracker.state.withLock {
        $0.maxAhead = max($0.maxAhead, index - $0.taken)
        $0.threads.insert(ObjectIdentifier(Thread.current))
      }
      if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18) }
      if index == failAt { throw Failure(index: index) }
      return (Tensor([Float(index), Float(-index)]), index)
    }
  }
}

@Suite("DataLoader", .isolatedRandomness)
struct DataLoaderTests {
  struct LoaderCase: Decodable {
    let seed: UInt64
    let n: Int
    let batchSize: Int
    let dropLast: Bool
    let shuffle: Bool
    let generator: Bool
    let epochs: [[[Int]]]
  }
  struct Cases: Decodable { let cases: [LoaderCase] }

  /// The first tensor of each batch, as index lists.
  private func epoch(_ loader: DataLoader<TensorDataset, [Tensor]>) throws -> [[Int]] {
    var out: [[Int]] = []
    try loader.forEach { batch in out.append(batch[0].scalars(as: Int64.self).map { Int($0) }) }
    return out
  }

  @Test("shuffled batches equal PyTorch's DataLoader for the same seed, epoch after epoch, for any worker count")
  func pytorchOrder() throws {
    let cases = try loadFixture("data_loader.json", as: Cases.self).cases
    #expect(cases.count == 6)
    for c in cases {
      for workers in [0, 2] {
        let data = TensorDataset(Tensor.arange(c.n))
        let generator = Generator(seed: c.seed)
        if !c.generator { manualSeed(c.seed) }
        let loader = DataLoader(
          data, batchSize: c.batchSize, shuffle: c.shuffle, dropLast: c.dropLast, workers: workers,
          generator: c.generator ? generator : nil)
        #expect(loader.count == c.epochs[0].count)
        #expect(try epoch(loader) == c.epochs[0], "seed \(c.seed), epoch 1, \(workers) workers")
        #expect(try epoch(loader) == c.epochs[1], "seed \(c.seed), epoch 2, \(workers) workers")
      }
    }
  }

  @Test("(Tensor, Int) samples collate to (Tensor [B, …], int64 [B]); numbers, arrays and dictionaries too")
  func collate() throws {
    let loader = DataLoader(Probe(count: 5), batchSize: 2)
    let iterator = loader.makeIterator()
    let (x, y) = try #require(try iterator.next())
    #expect(x.shape == [2, 2] && x.dtype == .float32 && x.scalars(as: Float.self) == [0, 0, 1, -1])
    #expect(y.dtype == .int64 && y.scalars(as: Int64.self) == [0, 1])
    _ = try iterator.next()
    let (lastX, lastY) = try #require(try iterator.next())
    #expect(lastX.shape == [1, 2] && lastY.scalars(as: Int64.self) == [4])
    #expect(try iterator.next() == nil)

    #expect(try Double.collate([1.5, 2]).dtype == .float64)
    #expect(try Bool.collate([true, false]).scalars(as: Int64.self) == [1, 0])
    let dictionaries = try [String: Tensor].collate([["a": Tensor([1.0])], ["a": Tensor([2.0])]])
    #expect(dictionaries["a"]?.shape == [2, 1])
    let nested = try defaultCollate([(Tensor([1.0]), 1.5, "x"), (Tensor([2.0]), 2.5, "y")])
    #expect(nested.0.shape == [2, 1] && nested.1.dtype == .float64 && nested.2 == ["x", "y"])
    #expect(throws: CollateError.shapeMismatch(expected: [1], found: [2], entry: 1)) {
      try Tensor.collate([Tensor([1.0]), Tensor([1.0, 2.0])])
    }
    #expect(
      CollateError.shapeMismatch(expected: [3], found: [4], entry: 1).description
        == "stack expects each tensor to be equal size, but got [3] at entry 0 and [4] at entry 1")
  }

  @Test("batches arrive in sampler order for 0, 1, 2 and 4 workers and any prefetch depth")
  func orderAcrossWorkers() throws {
    var results: [[Int64]] = []
    for (workers, prefetch) in [(0, nil), (1, 1), (2, 2), (4, 3)] as [(Int, Int?)] {
      let loader = DataLoader(
        Probe(count: 50), batchSize: 7, sampler: RandomSampler(count: 50, generator: Generator(seed: 5)),
        workers: workers, prefetch: prefetch)
      var labels: [Int64] = []
      try loader.forEach { _, y in labels += y.scalars(as: Int64.self) }
      results.append(labels)
    }
    #expect(results[0].count == 50 && Set(results[0]).count == 50)
    #expect(results.allSatisfy { $0 == results[0] })
    #expect(results[0] == RandomSampler(count: 50, generator: Generator(seed: 5)).makeIndices().map { Int64($0) })
  }

  @Test("workers run on their own threads and fetch at most workers × prefetch batches ahead")
  func prefetchWindow() throws {
    // Held from the start: an object identity is unique only among live objects, and a
    // worker's `Thread` object is freed when the worker ends.
    let consumer = Thread.current
    let data = Probe(count: 40, delay: .milliseconds(1))
    let loader = DataLoader(data, batchSize: 1, workers: 2, prefetch: 2)
    let iterator = loader.makeIterator()
    var taken = 0
    while try iterator.next() != nil {
      taken += 1
      data.tracker.state.withLock { $0.taken = taken }
      Thread.sleep(forTimeInterval: 0.002)
    }
    #expect(taken == 40)
    let (maxAhead, threads) = data.tracker.state.withLock { ($0.maxAhead, $0.threads) }
    #expect(maxAhead <= 4, "fetched \(maxAhead) samples ahead with a window of 4")
    #expect(maxAhead >= 2, "the workers prefetched")
    #expect((1...2).contains(threads.count), "\(threads.count) threads fetched")
    #expect(!threads.contains(ObjectIdentifier(consumer)), "the consumer's thread fetched nothing")
  }

  @Test("an error thrown in a sample reaches the caller with the sample index, with and without workers")
  func sampleError() throws {
    for workers in [0, 3] {
      let loader = DataLoader(Probe(count: 30, failAt: 17), batchSize: 4, workers: workers)
      let iterator = loader.makeIterator()
      var delivered = 0
      do {
        while try iterator.next() != nil { delivered += 1 }
        Issue.record("no error with \(workers) workers")
      } catch {
        #expect(error.sampleIndex == 17)
        #expect(error.underlying as? Probe.Failure == Probe.Failure(index: 17))
        #expect("\(error)".hasPrefix("Fetching sample 17 (batch 4) failed"))
      }
      #expect(delivered == 4, "the batches before the failing one arrive first")
      #expect(try iterator.next() == nil, "the epoch is over after an error")
    }
    // forEach rethrows it too.
    #expect(throws: DataLoaderError.self) {
      try DataLoader(Probe(count: 8, failAt: 2), batchSize: 2, workers: 2).forEach { _ in }
    }
  }

  @Test("a collate error names the batch")
  func collateError() throws {
    let uneven = Subset(
      TensorDataset(Tensor([[0.0, 0.0], [1.0, 0.0]])).map {
        $0[0].narrow(dim: 0, start: 0, length: 1 + Int($0[0][0].item()))
      },
      indices: [0, 1])
    let loader = DataLoader(uneven, batchSize: 2, workers: 1)
    #expect {
      try loader.forEach { _ in }
    } throws: { error in
      guard case .collateFailed(0, [0, 1], let underlying) = error as? DataLoaderError else { return false }
      return underlying as? CollateError == .shapeMismatch(expected: [1], found: [2], entry: 1)
    }
  }

  @Test("breaking out early stops the workers and releases the data set")
  func earlyExit() throws {
    weak var tracker: Probe.Tracker?
    do {
      let data = Probe(count: 1000, delay: .microseconds(200))
      tracker = data.tracker
      let loader = DataLoader(data, batchSize: 2, workers: 3, prefetch: 4)
      let iterator = loader.makeIterator()
      for _ in 0..<3 { _ = try iterator.next() }
      #expect(tracker != nil)
    }
    #expect(tracker == nil, "the iterator's workers still hold the data set")
  }

  @Test("option misuse stops with PyTorch's message")
  func misuse() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = DataLoader(Probe(count: 4), shuffle: true, sampler: SequentialSampler(count: 4))
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains("sampler option is mutually exclusive with shuffle"))
  }
}
