import Kindling

/// The training and test splits of the chosen data set, loaded once.
struct TrainingData {
  let train: ImageSplit
  let test: ImageSplit
  let classNames: [String]

  init(settings: TrainSettings) throws(DataSetError) {
    try self.init(dataset: settings.dataset, root: settings.dataRoot)
  }

  init(dataset: String, root: String?) throws(DataSetError) {
    if dataset == "mnist" {
      let root = root ?? MNIST.defaultRoot
      let (train, test) = (try MNIST(root: root, train: true), try MNIST(root: root, train: false))
      (self.train, self.test, classNames) = (ImageSplit(train), ImageSplit(test), MNIST.classNames)
    } else {
      let root = root ?? FashionMNIST.defaultRoot
      let (train, test) = (try FashionMNIST(root: root, train: true), try FashionMNIST(root: root, train: false))
      (self.train, self.test, classNames) = (ImageSplit(train), ImageSplit(test), FashionMNIST.classNames)
    }
  }

  /// All test images (uint8 `[N, 28, 28]`) and labels (int64 `[N]`), for evaluation in big batches.
  var testTensors: (images: Tensor, labels: Tensor) { test.tensors }
}

/// One split of MNIST or Fashion-MNIST, whichever was loaded.
struct ImageSplit: ImageClassificationSplit {
  let images: IDXArray
  let labels: IDXArray
  var count: Int { labels.count }

  init(_ split: some ImageClassificationSplit) { (images, labels) = (split.images, split.labels) }
}
