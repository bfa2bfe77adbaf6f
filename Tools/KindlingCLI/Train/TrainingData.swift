import Kindling

/// The training and test splits of the chosen data set, loaded once.
struct TrainingData {
  let train: any ImageClassificationSplit
  let test: any ImageClassificationSplit
  let classNames: [String]

  init(settings: TrainSettings) throws(DataSetError) {
    try self.init(dataset: settings.dataset, root: settings.dataRoot)
  }

  init(dataset: String, root: String?) throws(DataSetError) {
    if dataset == "mnist" {
      let root = root ?? MNIST.defaultRoot
      (train, test, classNames) = (try MNIST(root: root, train: true), try MNIST(root: root, train: false), MNIST.classNames)
    } else {
      let root = root ?? FashionMNIST.defaultRoot
      (train, test, classNames) = (
        try FashionMNIST(root: root, train: true), try FashionMNIST(root: root, train: false), FashionMNIST.classNames
      )
    }
  }

  /// All test images (uint8 `[N, 28, 28]`) and labels (int64 `[N]`), for evaluation in big batches.
  var testTensors: (images: Tensor, labels: Tensor) { test.tensors }
}
