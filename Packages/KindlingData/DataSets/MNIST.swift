/// MNIST (LeCun, Cortes and Burges): 28×28 grayscale handwritten digits, 60,000 for training and
/// 10,000 for testing; `torchvision.datasets.MNIST`'s counterpart, read from IDX files (plain or
/// `.gz`).
///
/// ```swift
/// let train = try MNIST(root: "/data/mnist")
/// train.images.shape     // [60000, 28, 28], uint8
/// train.labels.shape     // [60000], uint8
/// MNIST.classNames[7]    // "7"
/// ```
public struct MNIST: Sendable {
  /// The description the loader works from: file names, classes, where to get it.
  public static let dataSet = IDXImageDataSet.mnist
  /// Where Kindling looks by default: `/usr/share/datasets/mnist`.
  public static let defaultRoot = dataSet.defaultRoot
  /// The class names, indexed by label: `"0"` … `"9"`.
  public static let classNames = dataSet.classNames

  /// The images: uint8 `[N, 28, 28]`, 0 (background) to 255.
  public let images: IDXArray
  /// The labels: uint8 `[N]`, each the digit shown, `0..<10`.
  public let labels: IDXArray

  /// The number of examples: 60,000 for training, 10,000 for testing.
  public var count: Int { labels.count }

  /// Loads the training split (`train-*`) or the test split (`t10k-*`) from `root`.
  ///
  /// - Throws: ``DataSetError/missingDataSet(name:root:files:hint:)`` when the files are not
  ///   there, and the errors of ``IDXImageDataSet/load(root:train:)`` for bad files.
  public init(root: String = defaultRoot, train: Bool = true) throws(DataSetError) {
    (images, labels) = try Self.dataSet.load(root: root, train: train)
  }
}
