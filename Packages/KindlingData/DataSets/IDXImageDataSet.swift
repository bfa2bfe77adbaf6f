import KindlingStorage

/// An image-classification data set stored as four IDX files in the MNIST layout, described once
/// and loaded by one shared loader; ``FashionMNIST`` and ``MNIST`` are two of them.
///
/// A split (training or test) is an images file, uint8 `[N, rows, columns]`, and a labels file,
/// uint8 `[N]` with every label below the number of classes. Each file may be plain or have
/// `.gz` appended.
///
/// ```swift
/// let set = IDXImageDataSet.fashionMNIST
/// let (images, labels) = try set.load(root: set.defaultRoot, train: false)
/// images.shape   // [10000, 28, 28]
/// labels.shape   // [10000]
/// ```
public struct IDXImageDataSet: Sendable, Hashable {
  /// The short name commands and the catalog use: `fashion-mnist`.
  public let name: String
  /// The name people write: `Fashion-MNIST`.
  public let title: String
  /// The directory the data set is installed in by default.
  public let defaultRoot: String
  /// The class names, indexed by label.
  public let classNames: [String]
  /// One image's dimensions, `[rows, columns]`.
  public let imageShape: [Int]
  /// What to do when the files are missing, completing "To get it, …".
  public let installHint: String

  /// Fashion-MNIST (Zalando): 70,000 28×28 grayscale photos of clothes in 10 classes, installed
  /// by Debian's `dataset-fashion-mnist` package in `/usr/share/datasets/fashion-mnist`.
  public static let fashionMNIST = IDXImageDataSet(
    name: "fashion-mnist", title: "Fashion-MNIST", defaultRoot: "/usr/share/datasets/fashion-mnist",
    classNames: [
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ],
    imageShape: [28, 28],
    installHint: "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or pass "
      + "root: with the directory that holds the IDX files")

  /// MNIST (LeCun, Cortes and Burges): 70,000 28×28 grayscale handwritten digits, expected in
  /// `/usr/share/datasets/mnist`.
  public static let mnist = IDXImageDataSet(
    name: "mnist", title: "MNIST", defaultRoot: "/usr/share/datasets/mnist",
    classNames: (0..<10).map(String.init),
    imageShape: [28, 28],
    installHint: "download its four .gz files (for example from https://ossci-datasets.s3.amazonaws.com/mnist/, "
      + "the mirror torchvision uses) into /usr/share/datasets/mnist, or pass root: with the directory that "
      + "holds the IDX files")

  /// Every data set Kindling knows, in the order ``DataSetCatalog`` lists them.
  public static let all = [fashionMNIST, mnist]

  /// Describes a data set; see ``fashionMNIST`` for an example of each field.
  public init(
    name: String, title: String, defaultRoot: String, classNames: [String], imageShape: [Int], installHint: String
  ) {
    self.name = name
    self.title = title
    self.defaultRoot = defaultRoot
    self.classNames = classNames
    self.imageShape = imageShape
    self.installHint = installHint
  }

  /// The file names of one split, without `.gz`: `train-images-idx3-ubyte` and
  /// `train-labels-idx1-ubyte`, or `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`.
  public static func fileNames(train: Bool) -> (images: String, labels: String) {
    let split = train ? "train" : "t10k"
    return ("\(split)-images-idx3-ubyte", "\(split)-labels-idx1-ubyte")
  }

  /// All four file names, training split first.
  public static var allFileNames: [String] {
    [true, false].flatMap { train in
      let names = fileNames(train: train)
      return [names.images, names.labels]
    }
  }

  /// The path of file `name` in `root`, plain if that exists, else with `.gz` appended; `nil`
  /// if neither exists.
  ///
  /// ```swift
  /// IDXImageDataSet.locate("t10k-labels-idx1-ubyte", in: "/usr/share/datasets/fashion-mnist")
  /// // "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
  /// ```
  public static func locate(_ name: String, in root: String) -> String? {
    let plain = root.hasSuffix("/") ? root + name : root + "/" + name
    return [plain, plain + ".gz"].first(where: FileReader.isFile)
  }

  /// The expected layout of the labels file, for messages: `uint8 [N]`.
  var labelLayout: String { "uint8 [N]" }

  /// The expected layout of the images file, for messages: `uint8 [N, 28, 28]`.
  var imageLayout: String { "uint8 [N, \(imageShape.map(String.init).joined(separator: ", "))]" }

  /// Loads one split from `root`: the images (uint8 `[N, rows, columns]`) and labels (uint8 `[N]`).
  ///
  /// ```swift
  /// let (images, labels) = try IDXImageDataSet.mnist.load(root: "/data/mnist", train: true)
  /// ```
  ///
  /// - Throws: ``DataSetError/missingDataSet(name:root:files:hint:)`` if a file of the split is
  ///   missing, ``DataSetError/unexpectedLayout(path:expected:dtype:shape:)``,
  ///   ``DataSetError/countMismatch(images:imageCount:labels:labelCount:)`` and
  ///   ``DataSetError/labelOutOfRange(path:index:label:classCount:)`` if the files do not form
  ///   a split of this data set, and every error of ``IDX/read(contentsOf:maxDecompressedBytes:)``.
  public func load(root: String, train: Bool) throws(DataSetError) -> (images: IDXArray, labels: IDXArray) {
    let (imagesPath, labelsPath) = try paths(root: root, train: train)
    let images = try IDX.read(contentsOf: imagesPath)
    let labels = try IDX.read(contentsOf: labelsPath)
    try validate(
      images: (imagesPath, images.dtype, images.shape), labels: (labelsPath, labels.dtype, labels.shape))
    try validateRange(labels, path: labelsPath)
    return (images, labels)
  }

  /// The paths of one split's two files in `root`.
  ///
  /// - Throws: ``DataSetError/missingDataSet(name:root:files:hint:)`` naming those not there.
  func paths(root: String, train: Bool) throws(DataSetError) -> (images: String, labels: String) {
    let names = Self.fileNames(train: train)
    let images = Self.locate(names.images, in: root)
    let labels = Self.locate(names.labels, in: root)
    guard let images, let labels else {
      let missing = [images == nil ? names.images : nil, labels == nil ? names.labels : nil].compactMap { $0 }
      throw .missingDataSet(name: title, root: root, files: missing, hint: installHint)
    }
    return (images, labels)
  }

  /// Checks that an images file and a labels file (given by dtype and shape, so headers alone
  /// will do) form one split: uint8 `[N, rows, columns]` and uint8 `[N]` with the same `N`.
  func validate(
    images: (path: String, dtype: DType, shape: [Int]), labels: (path: String, dtype: DType, shape: [Int])
  ) throws(DataSetError) {
    guard images.dtype == .uint8, images.shape.count == 1 + imageShape.count,
      Array(images.shape.dropFirst()) == imageShape
    else {
      throw .unexpectedLayout(path: images.path, expected: imageLayout, dtype: images.dtype, shape: images.shape)
    }
    guard labels.dtype == .uint8, labels.shape.count == 1 else {
      throw .unexpectedLayout(path: labels.path, expected: labelLayout, dtype: labels.dtype, shape: labels.shape)
    }
    guard images.shape[0] == labels.shape[0] else {
      throw .countMismatch(
        images: images.path, imageCount: images.shape[0], labels: labels.path, labelCount: labels.shape[0])
    }
  }

  /// Checks that every label (uint8) names a class.
  private func validateRange(_ labels: IDXArray, path: String) throws(DataSetError) {
    let classCount = classNames.count
    let bad = labels.storage.withUnsafeBufferPointer(as: UInt8.self) { all in
      all.prefix(labels.count).firstIndex { Int($0) >= classCount }.map { ($0, Int(all[$0])) }
    }
    if let (index, label) = bad {
      throw .labelOutOfRange(path: path, index: index, label: label, classCount: classCount)
    }
  }
}
