import Foundation
import Testing

@testable import KindlingData

@Suite("Fashion-MNIST and MNIST on synthetic files")
struct DataSetTests {
  @Test("Fashion-MNIST loads both splits with the right shapes and values")
  func fashionMNIST() throws {
    try withTemporaryDirectory { directory in
      let labels = try writeSyntheticDataSet(in: directory, trainCount: 5, testCount: 3)
      let train = try FashionMNIST(root: directory.path)
      #expect(train.count == 5)
      #expect(train.images.dtype == .uint8 && train.images.shape == [5, 28, 28])
      #expect(train.labels.dtype == .uint8 && train.labels.shape == [5])
      #expect(train.images.scalars(as: UInt8.self) == syntheticPixels(count: 5))
      #expect(train.labels.scalars(as: UInt8.self) == labels.train)
      let test = try FashionMNIST(root: directory.path + "/", train: false)
      #expect(test.count == 3 && test.images.shape == [3, 28, 28] && test.labels.shape == [3])
      #expect(test.labels.scalars(as: UInt8.self) == labels.test)
    }
  }

  @Test("MNIST shares the loader")
  func mnist() throws {
    try withTemporaryDirectory { directory in
      try writeSyntheticDataSet(in: directory, trainCount: 4, testCount: 2)
      let train = try MNIST(root: directory.path, train: true)
      let test = try MNIST(root: directory.path, train: false)
      #expect(train.images.shape == [4, 28, 28] && train.labels.shape == [4] && train.count == 4)
      #expect(test.images.shape == [2, 28, 28] && test.count == 2)
    }
  }

  @Test("class names and default roots")
  func names() {
    #expect(
      FashionMNIST.classNames == [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
      ])
    #expect(MNIST.classNames == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
    #expect(FashionMNIST.defaultRoot == "/usr/share/datasets/fashion-mnist")
    #expect(MNIST.defaultRoot == "/usr/share/datasets/mnist")
  }

  @Test("a plain file is preferred over its .gz twin")
  func prefersPlain() throws {
    try withTemporaryDirectory { directory in
      try writeSplit(in: directory, train: true, count: 3, compressed: true, labels: [1, 1, 1])
      try writeSplit(in: directory, train: true, count: 3, compressed: false, labels: [2, 2, 2])
      #expect(try FashionMNIST(root: directory.path).labels.scalars(as: UInt8.self) == [2, 2, 2])
      #expect(
        IDXImageDataSet.locate("train-labels-idx1-ubyte", in: directory.path)
          == directory.path + "/train-labels-idx1-ubyte")
    }
  }

  @Test("images and labels that disagree in count")
  func countMismatch() throws {
    try withTemporaryDirectory { directory in
      try writeSplit(in: directory, train: true, count: 5, compressed: false, labelCount: 4)
      #expect(
        throws: DataSetError.countMismatch(
          images: directory.path + "/train-images-idx3-ubyte", imageCount: 5,
          labels: directory.path + "/train-labels-idx1-ubyte", labelCount: 4)
      ) { try FashionMNIST(root: directory.path) }
    }
  }

  @Test("a label outside the classes")
  func labelOutOfRange() throws {
    try withTemporaryDirectory { directory in
      try writeSplit(in: directory, train: false, count: 5, compressed: true, labels: [0, 9, 3, 10, 255])
      #expect(
        throws: DataSetError.labelOutOfRange(
          path: directory.path + "/t10k-labels-idx1-ubyte.gz", index: 3, label: 10, classCount: 10)
      ) { try MNIST(root: directory.path, train: false) }
    }
  }

  @Test("files of the wrong dtype or shape")
  func wrongLayout() throws {
    try withTemporaryDirectory { directory in
      let images = directory.path + "/train-images-idx3-ubyte"
      let labels = directory.path + "/train-labels-idx1-ubyte"
      try directory.write(idxUInt8(shape: [2], values: [0, 1]), to: "train-labels-idx1-ubyte")
      let wrongImages: [([UInt8], [Int])] = [
        (idx(code: 0x09, shape: [2, 28, 28], payload: [UInt8](repeating: 0, count: 1568)), [2, 28, 28]),
        (idxUInt8(shape: [2, 784], values: [UInt8](repeating: 0, count: 1568)), [2, 784]),
        (idxUInt8(shape: [2, 27, 28], values: [UInt8](repeating: 0, count: 1512)), [2, 27, 28]),
      ]
      for (bytes, shape) in wrongImages {
        try directory.write(bytes, to: "train-images-idx3-ubyte")
        #expect {
          try FashionMNIST(root: directory.path)
        } throws: { error in
          guard case .unexpectedLayout(images, "uint8 [N, 28, 28]", _, shape) = error as? DataSetError else {
            return false
          }
          return true
        }
      }
      try writeSplit(in: directory, train: true, count: 2, compressed: false)
      try directory.write(idxUInt8(shape: [2, 1], values: [0, 1]), to: "train-labels-idx1-ubyte")
      #expect(
        throws: DataSetError.unexpectedLayout(path: labels, expected: "uint8 [N]", dtype: .uint8, shape: [2, 1])
      ) { try FashionMNIST(root: directory.path) }
    }
  }

  @Test("a missing root names the data set, the directory, the files and the fix")
  func missingRoot() throws {
    let root = "/nonexistent-\(UUID().uuidString)"
    do {
      _ = try FashionMNIST(root: root)
      Issue.record("loaded from a missing directory")
    } catch {
      guard case .missingDataSet(let name, let errorRoot, let files, _) = error else {
        Issue.record("wrong error: \(error)")
        return
      }
      #expect(name == "Fashion-MNIST" && errorRoot == root)
      #expect(files == ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"])
      let message = error.description
      #expect(message.contains("dataset-fashion-mnist"))
      #expect(message.contains("apt-get install dataset-fashion-mnist"))
      #expect(message.contains("root:"))
      #expect(message.contains(root))
      #expect(message.contains("train-images-idx3-ubyte and train-labels-idx1-ubyte"))
    }
    #expect {
      try MNIST(root: root, train: false)
    } throws: { error in
      let message = "\(error)"
      return message.contains("MNIST") && message.contains("t10k-images-idx3-ubyte") && message.contains("root:")
    }
  }

  @Test("one missing file of a split is named alone")
  func oneFileMissing() throws {
    try withTemporaryDirectory { directory in
      try writeSyntheticDataSet(in: directory)
      try FileManager.default.removeItem(atPath: directory.path + "/t10k-labels-idx1-ubyte")
      #expect(
        throws: DataSetError.missingDataSet(
          name: "Fashion-MNIST", root: directory.path, files: ["t10k-labels-idx1-ubyte"],
          hint: IDXImageDataSet.fashionMNIST.installHint)
      ) { try FashionMNIST(root: directory.path, train: false) }
      #expect(try FashionMNIST(root: directory.path, train: true).count == 5)  // the other split still loads
    }
  }
}
