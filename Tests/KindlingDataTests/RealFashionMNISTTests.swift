import Foundation
import Testing

@testable import KindlingData

/// The real Fashion-MNIST, where Debian's `dataset-fashion-mnist` installed it; skipped elsewhere.
@Suite(
  "Fashion-MNIST from /usr/share/datasets",
  .enabled(
    if: FileManager.default.fileExists(atPath: FashionMNIST.defaultRoot), "dataset-fashion-mnist is not installed"))
struct RealFashionMNISTTests {
  @Test("the training set: 60,000 images of 28×28, 6,000 per class")
  func training() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let train = try FashionMNIST(train: true)
    print("Fashion-MNIST training set loaded in \(clock.now - start)")
    #expect(train.count == 60_000)
    #expect(train.images.shape == [60_000, 28, 28] && train.images.dtype == .uint8)
    #expect(train.labels.shape == [60_000] && train.labels.dtype == .uint8)
    #expect(classCounts(train.labels) == [Int](repeating: 6_000, count: 10))
  }

  @Test("the test set: 10,000 images of 28×28, 1,000 per class")
  func test() throws {
    let test = try FashionMNIST(train: false)
    #expect(test.count == 10_000)
    #expect(test.images.shape == [10_000, 28, 28])
    #expect(test.labels.shape == [10_000])
    #expect(classCounts(test.labels) == [Int](repeating: 1_000, count: 10))
    #expect(test.labels.scalars(as: UInt8.self).prefix(3) == [9, 2, 1])  // ankle boot, pullover, trouser
  }

  @Test("the catalog finds it and reads its counts from the headers")
  func catalog() {
    let location = DataSetCatalog.discover().first { $0.name == "fashion-mnist" }
    #expect(location?.isUsable == true)
    #expect(location?.trainCount == 60_000 && location?.testCount == 10_000)
  }

  /// How many labels fall in each of the ten classes; every label must be in `0..<10`.
  private func classCounts(_ labels: IDXArray) -> [Int] {
    var counts = [Int](repeating: 0, count: 10)
    for label in labels.scalars(as: UInt8.self) {
      #expect(label < 10)
      if label < 10 { counts[Int(label)] += 1 }
    }
    return counts
  }
}
