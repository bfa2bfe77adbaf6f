/// An int, or a tuple when the two sizes differ, as PyTorch's pooling printouts show sizes
/// given as one int: `2`, `(2, 3)`.
private func poolSize(_ values: [Int]) -> String {
  values.count == 1 ? "\(values[0])" : pythonTuple(values)
}

/// 2-d max pooling (PyTorch's `nn.MaxPool2d`); see ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)``.
/// Sizes are one value for both dimensions or `[h, w]`; `stride` defaults to `kernelSize`.
///
/// ```swift
/// let pool = MaxPool2d(kernelSize: 2)
/// let y = pool(Tensor.randn([64, 32, 26, 26]))   // [64, 32, 13, 13]
/// print(pool)   // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
/// ```
public final class MaxPool2d: Module {
  public let kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int]
  public let ceilMode: Bool

  public init(kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false) {
    (self.kernelSize, self.stride) = (kernelSize, stride ?? kernelSize)
    (self.padding, self.dilation, self.ceilMode) = (padding, dilation, ceilMode)
    super.init()
  }

  /// `MaxPool2d(kernelSize: 2)`: one size for both dimensions.
  public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
    self.init(
      kernelSize: [kernelSize], stride: [stride ?? kernelSize], padding: [padding], dilation: [dilation],
      ceilMode: ceilMode)
  }

  public override func forward(_ input: Tensor) -> Tensor {
    maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
  }

  public override var extraDescription: String {
    "kernel_size=\(poolSize(kernelSize)), stride=\(poolSize(stride)), padding=\(poolSize(padding)), "
      + "dilation=\(poolSize(dilation)), ceil_mode=\(pythonBool(ceilMode))"
  }
}

/// 1-d max pooling (PyTorch's `nn.MaxPool1d`); see ``maxPool1d(_:kernelSize:stride:padding:dilation:ceilMode:)``.
///
/// ```swift
/// let y = MaxPool1d(kernelSize: 3)(Tensor.randn([8, 4, 30]))   // [8, 4, 10]
/// ```
public final class MaxPool1d: Module {
  public let kernelSize: Int, stride: Int, padding: Int, dilation: Int
  public let ceilMode: Bool

  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    (self.dilation, self.ceilMode) = (dilation, ceilMode)
    super.init()
  }

  public override func forward(_ input: Tensor) -> Tensor {
    maxPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
  }

  public override var extraDescription: String {
    "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(pythonBool(ceilMode))"
  }
}

/// 2-d average pooling (PyTorch's `nn.AvgPool2d`); see
/// ``avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)``.
///
/// ```swift
/// let y = AvgPool2d(kernelSize: 2)(Tensor.ones([1, 3, 8, 8]))   // [1, 3, 4, 4] of 1s
/// ```
public final class AvgPool2d: Module {
  public let kernelSize: [Int], stride: [Int], padding: [Int]
  public let ceilMode: Bool, countIncludePad: Bool
  public let divisorOverride: Int?

  public init(
    kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
    countIncludePad: Bool = true, divisorOverride: Int? = nil
  ) {
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    (self.ceilMode, self.countIncludePad, self.divisorOverride) = (ceilMode, countIncludePad, divisorOverride)
    super.init()
  }

  /// `AvgPool2d(kernelSize: 2)`: one size for both dimensions.
  public convenience init(
    kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true,
    divisorOverride: Int? = nil
  ) {
    self.init(
      kernelSize: [kernelSize], stride: [stride ?? kernelSize], padding: [padding], ceilMode: ceilMode,
      countIncludePad: countIncludePad, divisorOverride: divisorOverride)
  }

  public override func forward(_ input: Tensor) -> Tensor {
    avgPool2d(
      input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
      countIncludePad: countIncludePad, divisorOverride: divisorOverride)
  }

  public override var extraDescription: String {
    "kernel_size=\(poolSize(kernelSize)), stride=\(poolSize(stride)), padding=\(poolSize(padding))"
  }
}

/// 1-d average pooling (PyTorch's `nn.AvgPool1d`); see
/// ``avgPool1d(_:kernelSize:stride:padding:ceilMode:countIncludePad:)``.
///
/// ```swift
/// print(AvgPool1d(kernelSize: 3))   // AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))
/// ```
public final class AvgPool1d: Module {
  public let kernelSize: Int, stride: Int, padding: Int
  public let ceilMode: Bool, countIncludePad: Bool

  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
    (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    (self.ceilMode, self.countIncludePad) = (ceilMode, countIncludePad)
    super.init()
  }

  public override func forward(_ input: Tensor) -> Tensor {
    avgPool1d(
      input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
      countIncludePad: countIncludePad)
  }

  public override var extraDescription: String {
    "kernel_size=\(pythonTuple([kernelSize])), stride=\(pythonTuple([stride])), padding=\(pythonTuple([padding]))"
  }
}

/// 2-d adaptive average pooling (PyTorch's `nn.AdaptiveAvgPool2d`); see
/// ``adaptiveAvgPool2d(_:outputSize:)``. `nil` in `outputSize` keeps that input size.
///
/// ```swift
/// let gap = AdaptiveAvgPool2d(outputSize: 1)
/// let y = gap(Tensor.randn([8, 512, 7, 7]))   // [8, 512, 1, 1]
/// ```
public final class AdaptiveAvgPool2d: Module {
  public let outputSize: [Int?]
  /// Whether the size was given as one int (PyTorch prints `output_size=3` then).
  private let isSingle: Bool

  public init(outputSize: [Int?]) {
    self.outputSize = outputSize.count == 1 ? [outputSize[0], outputSize[0]] : outputSize
    isSingle = outputSize.count == 1
    super.init()
  }

  /// `AdaptiveAvgPool2d(outputSize: 7)`: a square output.
  public convenience init(outputSize: Int) { self.init(outputSize: [outputSize]) }

  public override func forward(_ input: Tensor) -> Tensor { adaptiveAvgPool2d(input, outputSize: outputSize) }

  public override var extraDescription: String {
    if isSingle, let size = outputSize[0] { return "output_size=\(size)" }
    return "output_size=(" + outputSize.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
  }
}
