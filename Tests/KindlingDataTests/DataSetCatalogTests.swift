import Foundation
import Testing

@testable import KindlingData

@Suite("Data set catalog")
struct DataSetCatalogTests {
  @Test("discover lists the known data sets at their default roots")
  func discover() {
    let found = DataSetCatalog.discover()
    #expect(found.map(\.name) == ["fashion-mnist", "mnist"])
    #expect(found.map(\.root) == ["/usr/share/datasets/fashion-mnist", "/usr/share/datasets/mnist"])
    for location in found {
      #expect(location.isPresent == location.missingFiles.isEmpty)
    }
  }

  @Test("a complete set is present, with counts from the headers")
  func present() throws {
    try withTemporaryDirectory { directory in
      try writeSyntheticDataSet(in: directory, trainCount: 5, testCount: 3)
      let location = DataSetCatalog.locate(.fashionMNIST, root: directory.path)
      #expect(location.isPresent && location.isUsable)
      #expect(location.missingFiles.isEmpty)
      #expect(location.trainCount == 5 && location.testCount == 3)
      #expect(location.problem == nil)
    }
  }

  @Test("counts come from the headers alone: a gzip file cut after its header still reports them")
  func headersOnly() throws {
    try withTemporaryDirectory { directory in
      try writeSyntheticDataSet(in: directory, trainCount: 200, testCount: 3)
      let path = directory.path + "/train-images-idx3-ubyte.gz"
      let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      try directory.write(Array(whole[..<(whole.count / 2)]), to: "train-images-idx3-ubyte.gz")
      let location = DataSetCatalog.locate(.mnist, root: directory.path)
      #expect(location.trainCount == 200 && location.testCount == 3 && location.problem == nil)
      #expect(throws: DataSetError.self) { try MNIST(root: directory.path) }  // a full load notices
    }
  }

  @Test("missing files are listed; an empty directory misses all four")
  func missing() throws {
    try withTemporaryDirectory { directory in
      #expect(DataSetCatalog.locate(.mnist, root: directory.path).missingFiles == IDXImageDataSet.allFileNames)
      try writeSplit(in: directory, train: true, count: 2, compressed: true)
      let location = DataSetCatalog.locate(.mnist, root: directory.path)
      #expect(!location.isPresent && !location.isUsable)
      #expect(location.missingFiles == ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
      #expect(location.trainCount == nil && location.testCount == nil)
    }
  }

  @Test("headers that disagree are reported as a problem")
  func problem() throws {
    try withTemporaryDirectory { directory in
      try writeSplit(in: directory, train: true, count: 3, compressed: true)
      try writeSplit(in: directory, train: false, count: 3, compressed: false, labelCount: 2)
      let location = DataSetCatalog.locate(.fashionMNIST, root: directory.path)
      #expect(location.isPresent && !location.isUsable)
      #expect(
        location.problem
          == .countMismatch(
            images: directory.path + "/t10k-images-idx3-ubyte", imageCount: 3,
            labels: directory.path + "/t10k-labels-idx1-ubyte", labelCount: 2))
      try directory.write([1, 2, 3, 4], to: "t10k-labels-idx1-ubyte")
      #expect(
        DataSetCatalog.locate(.fashionMNIST, root: directory.path).problem
          == .badMagic(path: directory.path + "/t10k-labels-idx1-ubyte", found: [1, 2, 3, 4]))
    }
  }
}
