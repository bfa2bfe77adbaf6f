/// Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando 2017): 28×28 grayscale photos of clothes in
/// 10 classes, 60,000 for training and 10,000 for testing; `torchvision.datasets.FashionMNIST`'s
/// counterpart, read from IDX files (plain or `.gz`).
///
/// Debian's `dataset-fashion-mnist` package installs it in ``defaultRoot``.
///
/// ```swift
/// let train = try FashionMNIST()                 // /usr/share/datasets/fashion-mnist
/// let test = try FashionMNIST(train: false)
/// train.images.shape                             // [60000, 28, 28], uint8
/// train.labels.shape                             // [60000], uint8
/// FashionMNIST.classNames[9]                     // "Ankle boot"
/// ```
public struct FashionMNIST: Sendable {
  /// The description the loader works from: file names, classes, where to get it.
  public static let dataSet = IDXImageDataSet.fashionMNIST
  /// Where Debian's `dataset-fashion-mnist` installs the files: `/usr/share/datasets/fashion-mnist`.
  public static let defaultRoot = dataSet.defaultRoot
  /// The ten class names, indexed by label: `T-shirt/top`, `Trouser`, … `Ankle boot`.
  public static let classNames = dataSet.classNames

  /// The images: uint8 `[N, 28, 28]`, 0 (background) to 255.
  public let images: IDXArray
  /// The labels: uint8 `[N]`, each in `0..<10`, an index into ``classNames``.
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
