import KindlingTensor
import Testing

@testable import KindlingData

@Suite("Dataset building blocks")
struct DatasetBlockTests {
  @Test("TensorDataset slices every tensor at the index")
  func tensorDataset() throws {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    let y = Tensor([7, 8, 9])
    let data = TensorDataset(x, y)
    #expect(data.count == 3)
    let sample = try data[1]
    #expect(sample[0].scalars(as: Double.self) == [3, 4] && sample[0].shape == [2])
    #expect(sample[1].item() == 8 && sample[1].shape == [])
  }

  @Test("Subset and ConcatDataset map indices to the right parts")
  func subsetAndConcat() throws {
    let a = TensorDataset(Tensor([0, 1, 2]))
    let b = TensorDataset(Tensor([10, 11]))
    let both = ConcatDataset([a, b, a])
    #expect(both.count == 8 && both.cumulativeSizes == [3, 5, 8])
    #expect(try (0..<8).map { try both[$0][0].item() } == [0, 1, 2, 10, 11, 0, 1, 2])
    let picked = Subset(both, indices: [4, 0, 6])
    #expect(try (0..<3).map { try picked[$0][0].item() } == [11, 0, 1])
  }

  @Test("map transforms samples lazily; Fashion-MNIST-style splits give (image view, label)")
  func mapped() throws {
    let data = TensorDataset(Tensor([1.0, 2.0, 3.0])).map { $0[0] * 2 }
    #expect(try data[2].item() == 6)
    try withTemporaryDirectory { directory in
      let labels = try writeSyntheticDataSet(in: directory, trainCount: 4, testCount: 2)
      let train = try FashionMNIST(root: directory.path)
      let (image, label) = try train[3]
      #expect(image.shape == [28, 28] && image.dtype == .uint8)
      #expect(image.scalars(as: Int64.self) == syntheticPixels(count: 4)[(3 * 784)...].map { Int64($0) })
      #expect(label == Int(labels.train[3]))
      let all = train.tensors
      #expect(all.images.shape == [4, 28, 28] && all.labels.dtype == .int64)
      #expect(all.labels.scalars(as: Int64.self) == labels.train.map { Int64($0) })
    }
  }
}

/// A stream of `0..<count`, failing at `failAt`.
private struct Stream: IterableDataset {
  struct Failure: Error {}
  let count: Int
  var failAt: Int? = nil

  func makeSampleIterator() -> AnySampleIterator<Int> {
    var next = 0
    let count = self.count, failAt = self.failAt
    return AnySampleIterator {
      defer { next += 1 }
      if next == failAt { throw Failure() }
      return next < count ? next : nil
    }
  }
}

@Suite("IterableDataLoader")
struct IterableDataLoaderTests {
  @Test("a stream is cut into batches in order; dropLast drops a short tail; errors are rethrown")
  func batches() throws {
    var seen: [[Int64]] = []
    try IterableDataLoader(Stream(count: 7), batchSize: 3).forEach { seen.append($0.scalars(as: Int64.self)) }
    #expect(seen == [[0, 1, 2], [3, 4, 5], [6]])
    seen = []
    try IterableDataLoader(Stream(count: 7), batchSize: 3, dropLast: true).forEach { seen.append($0.scalars(as: Int64.self)) }
    #expect(seen == [[0, 1, 2], [3, 4, 5]])
    #expect(throws: Stream.Failure.self) { try IterableDataLoader(Stream(count: 7, failAt: 4), batchSize: 2).forEach { _ in } }
  }
}
