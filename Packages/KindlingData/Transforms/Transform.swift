import KindlingTensor

/// A function on one image tensor, for data augmentation and preprocessing
/// (`torchvision.transforms`). Random transforms draw from ``RandomContext/generator``.
///
/// ```swift
/// let transform = Compose([RandomCrop(28, padding: 4), RandomHorizontalFlip(), ToFloat(),
///                          Normalize(mean: [0.2860], std: [0.3530])])
/// let train = try FashionMNIST().map { image, label in (transform(image), label) }
/// ```
public protocol Transform: Sendable {
  /// The transformed image.
  func callAsFunction(_ image: Tensor) -> Tensor
}

/// Transforms applied one after another (`transforms.Compose`).
///
/// ```swift
/// let preprocess = Compose([ToFloat(), Normalize(mean: [0.5], std: [0.5])])
/// preprocess(image)   // float32 [1, 28, 28] in [-1, 1]
/// ```
public struct Compose: Transform {
  /// The transforms, first applied first.
  public let transforms: [any Transform]

  /// Chains `transforms`.
  public init(_ transforms: [any Transform]) { self.transforms = transforms }

  public func callAsFunction(_ image: Tensor) -> Tensor {
    transforms.reduce(image) { image, transform in transform(image) }
  }
}

/// A uint8 image to float32 in `[0, 1]` (`transforms.ToTensor` on an image array): values
/// divided by 255; an `[H, W]` image gains a channel dimension, `[1, H, W]`. Images of other
/// ranks keep their shape (Kindling's image tensors are already channels-first, `[C, H, W]`).
///
/// ```swift
/// ToFloat()(Tensor([[0, 255]], dtype: .uint8))   // tensor([[[0., 1.]]]), shape [1, 1, 2]
/// ```
public struct ToFloat: Transform {
  /// Converts images.
  public init() {}

  public func callAsFunction(_ image: Tensor) -> Tensor {
    let scaled = image.dtype == .uint8 ? image.to(.float32) / 255 : image.to(.float32)
    return image.rank == 2 ? scaled.unsqueeze(0) : scaled
  }
}

/// `(image - mean[c]) / std[c]` per channel of a `[C, H, W]` (or `[…, C, H, W]`) float image
/// (`transforms.Normalize`).
///
/// ```swift
/// Normalize(mean: [0.2860], std: [0.3530])(ToFloat()(image))
/// ```
public struct Normalize: Transform {
  /// Per-channel means.
  public let mean: [Double]
  /// Per-channel standard deviations, none zero.
  public let std: [Double]

  /// Normalizes with `mean` and `std`, one value per channel (or one for all).
  public init(mean: [Double], std: [Double]) {
    precondition(mean.count == std.count, "Normalize: mean and std must have the same length, got \(mean.count) and \(std.count)")
    precondition(
      !std.contains(0),
      "std evaluated to zero after conversion to torch.float32, leading to division by zero.")
    self.mean = mean
    self.std = std
  }

  public func callAsFunction(_ image: Tensor) -> Tensor {
    precondition(image.dtype.isFloatingPoint, "Input tensor should be a float tensor. Got \(image.dtype).")
    precondition(image.rank >= 3, "Expected tensor to be a tensor image of size (..., C, H, W). Got shape \(image.shape).")
    let shape = [mean.count, 1, 1]
    let meanTensor = Tensor(scalars: mean, shape: shape).to(image.dtype)
    let stdTensor = Tensor(scalars: std, shape: shape).to(image.dtype)
    return (image - meanTensor) / stdTensor
  }
}

/// A random `height × width` window of the image, after zero padding of `padding` on every
/// side (`transforms.RandomCrop(size, padding)`); the window's corner is drawn from
/// ``RandomContext/generator`` (two `randint`s, none when the sizes already match).
///
/// ```swift
/// RandomCrop(28, padding: 4)(image)   // a 28×28 window of the 36×36 padded image
/// ```
public struct RandomCrop: Transform {
  /// The output height and width.
  public let height: Int, width: Int
  /// Zero padding added to each side first.
  public let padding: Int

  /// Crops `height × width` windows (square if `width` is omitted).
  public init(_ height: Int, _ width: Int? = nil, padding: Int = 0) {
    precondition(height > 0 && (width ?? height) > 0 && padding >= 0, "RandomCrop: sizes must be positive, padding not negative")
    self.height = height
    self.width = width ?? height
    self.padding = padding
  }

  public func callAsFunction(_ image: Tensor) -> Tensor {
    let padded = padding > 0 ? image.pad([padding, padding, padding, padding]) : image
    let h = padded.shape[padded.rank - 2], w = padded.shape[padded.rank - 1]
    precondition(
      h >= height && w >= width,
      "Required crop size (\(height), \(width)) is larger than input image size (\(h), \(w))")
    if h == height && w == width { return padded }
    let generator = RandomContext.generator
    let top = draw(below: h - height + 1, generator), left = draw(below: w - width + 1, generator)
    return padded.narrow(dim: -2, start: top, length: height).narrow(dim: -1, start: left, length: width)
  }
}

/// The image mirrored left to right with probability `p` (`transforms.RandomHorizontalFlip`);
/// one float uniform per image from ``RandomContext/generator``.
///
/// ```swift
/// RandomHorizontalFlip(p: 1)(Tensor([[1, 2, 3]]))   // tensor([[3, 2, 1]])
/// ```
public struct RandomHorizontalFlip: Transform {
  /// The probability of flipping.
  public let p: Double

  /// Flips with probability `p`.
  public init(p: Double = 0.5) {
    precondition(p >= 0 && p <= 1, "RandomHorizontalFlip: p must be in [0, 1], got \(p)")
    self.p = p
  }

  public func callAsFunction(_ image: Tensor) -> Tensor {
    var u: [Float] = [0]
    u.withUnsafeMutableBufferPointer { RandomContext.generator.fillUniform($0) }
    return Double(u[0]) < p ? image.flip([-1]) : image
  }
}

/// One `torch.randint(0, bound, (1,))` draw.
private func draw(below bound: Int, _ generator: Generator) -> Int {
  var value: [Int64] = [0]
  value.withUnsafeMutableBufferPointer { generator.fillRandint($0, low: 0, high: Int64(bound)) }
  return Int(value[0])
}
