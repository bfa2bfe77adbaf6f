import KindlingTensor
import Synchronization
import Testing

@testable import KindlingData

/// A data set with a batched fetch that counts how each path is used and can fail in it.
private struct CountingBatches: BatchFetching {
  final class Calls: Sendable { let state = Mutex((samples: 0, batches: 0)) }
  struct Failure: Error {}
  let count: Int
  var failing = false
  let calls = Calls()

  subscript(index: Int) -> Tensor {
    calls.state.withLock { $0.samples += 1 }
    return Tensor([Float(index)])
  }

  func fetchBatch(_ indices: [Int]) throws -> Tensor {
    calls.state.withLock { $0.batches += 1 }
    if failing { throw Failure() }
    return Tensor(scalars: indices.map { Float($0) }, shape: [indices.count, 1])
  }
}

@Suite("Batched fetch (BatchFetching)")
struct BatchFetchingTests {
  /// Every batch of one shuffled epoch of `loader`.
  private func epoch<S: Dataset, B>(_ loader: DataLoader<S, B>, _ tensors: (B) -> [Tensor]) throws -> [[Tensor]] {
    var batches: [[Tensor]] = []
    try loader.forEach { batches.append(tensors($0)) }
    return batches
  }

  private func expectIdentical(_ a: [[Tensor]], _ b: [[Tensor]]) {
    #expect(a.count == b.count)
    for (x, y) in zip(a, b) {
      #expect(x.map(\.shape) == y.map(\.shape) && x.map(\.dtype) == y.map(\.dtype))
      #expect(zip(x, y).allSatisfy { $0.to(.float64).scalars(as: Double.self) == $1.to(.float64).scalars(as: Double.self) })
    }
  }

  @Test("a TensorDataset's batched gather equals stacking its samples, for 0 and 2 workers and a short last batch")
  func tensorDatasetMatchesCollate() throws {
    let data = TensorDataset(Tensor.randn([50, 3, 2], generator: Generator(seed: 1)), Tensor.arange(50))
    for workers in [0, 2] {
      let fast = DataLoader(data, batchSize: 8, shuffle: true, workers: workers, generator: Generator(seed: 4))
      let slow = DataLoader(
        data, batchSize: 8, shuffle: true, collate: Collate { try [Tensor].collate($0) }, workers: workers,
        generator: Generator(seed: 4))
      let batches = try epoch(fast) { $0 }
      #expect(batches.count == 7 && batches.last?[0].shape == [2, 3, 2] && batches[0][1].dtype == .int64)
      expectIdentical(batches, try epoch(slow) { $0 })
    }
  }

  @Test("an image split's batched fetch equals the collated (uint8 image, label) samples")
  func imageSplitMatchesCollate() throws {
    try withTemporaryDirectory { directory in
      try writeSyntheticDataSet(in: directory, trainCount: 23, testCount: 2)
      let train = try FashionMNIST(root: directory.path)
      let (images, labels) = train.fetchBatch([3, 0, 22])
      #expect(images.shape == [3, 28, 28] && images.dtype == .uint8)
      #expect(images[0].scalars(as: UInt8.self) == Array(syntheticPixels(count: 4)[(3 * 784)...]))
      #expect(labels.dtype == .int64 && labels.scalars(as: Int64.self) == [3, 0, 2])
      let fast = DataLoader(train, batchSize: 5, shuffle: true, generator: Generator(seed: 2))
      let slow = DataLoader(
        train, batchSize: 5, shuffle: true,
        collate: Collate<(Tensor, Int), (Tensor, Tensor)> { try defaultCollate($0) }, generator: Generator(seed: 2))
      expectIdentical(try epoch(fast) { [$0.0, $0.1] }, try epoch(slow) { [$0.0, $0.1] })
    }
  }

  @Test("the loader calls fetchBatch once per batch with the default collate, the subscript with a custom one")
  func pathChoice() throws {
    let data = CountingBatches(count: 10)
    try DataLoader(data, batchSize: 4).forEach { _ in }
    #expect(data.calls.state.withLock { $0 } == (samples: 0, batches: 3))
    try DataLoader(data, batchSize: 4, collate: Collate { try Tensor.collate($0) }).forEach { _ in }
    #expect(data.calls.state.withLock { $0 } == (samples: 10, batches: 3))
  }

  @Test("an error thrown by fetchBatch reaches the caller naming the batch and its indices")
  func fetchError() throws {
    let loader = DataLoader(CountingBatches(count: 6, failing: true), batchSize: 3, workers: 1)
    #expect {
      try loader.forEach { _ in }
    } throws: { error in
      guard case .collateFailed(let batch, let indices, let underlying) = error as? DataLoaderError else { return false }
      return batch == 0 && indices == [0, 1, 2] && underlying is CountingBatches.Failure
    }
  }
}
