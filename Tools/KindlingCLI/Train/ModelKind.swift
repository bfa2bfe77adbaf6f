import Kindling

/// The networks `kindling train` knows, for 28×28 grayscale images and 10 classes.
enum ModelKind: String, CaseIterable, Codable {
  /// 784-256-128-10 with ReLU (../shared/bench/mlp_train.py).
  case mlp
  /// Two 3×3 convolutions with max pooling, then 1600-128-10 (../shared/bench/cnn_train.py).
  case cnn

  /// A freshly initialized network, drawing from the default generator as PyTorch's does.
  func makeModel() -> Sequential {
    switch self {
    case .mlp:
      Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
    case .cnn:
      Sequential(
        Conv2d(1, 32, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
        Conv2d(32, 64, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
        Flatten(), Linear(1600, 128), ReLU(), Linear(128, 10))
    }
  }

  /// Pixels as the network takes them: uint8 `[B, 28, 28]` becomes float32 `[B, 1, 28, 28]` in
  /// [0, 1] (no mean/std normalization, as in the PyTorch reference scripts).
  func input(_ images: Tensor) -> Tensor {
    (images.to(.float32) / 255).unsqueeze(1)
  }
}
