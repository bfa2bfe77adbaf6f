/// PyTorch's `_ConvNd.reset_parameters`: weight Kaiming-uniform with a = √5, bias
/// U(-1/√fanIn, 1/√fanIn), fan-in computed from the weight's own layout (`[out, in/groups, k…]`
/// for a convolution, `[in, out/groups, k…]` for a transposed one, as PyTorch does).
func resetConvolutionParameters(weight: Tensor, bias: Tensor?) {
  Init.kaimingUniform_(weight, a: 5.0.squareRoot())
  if let bias {
    let fanIn = Init.fans(of: weight).fanIn
    let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    Init.uniform_(bias, -bound, bound)
  }
}

/// PyTorch's `_ConvNd.extra_repr`: `1, 32, kernel_size=(3, 3), stride=(1, 1)` plus the options
/// that differ from their defaults.
func convolutionDescription(
  inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int], padding: String?, dilation: [Int],
  outputPadding: [Int]? = nil, groups: Int, bias: Bool
) -> String {
  var parts = ["\(inChannels)", "\(outChannels)", "kernel_size=\(pythonTuple(kernelSize))", "stride=\(pythonTuple(stride))"]
  if let padding { parts.append("padding=\(padding)") }
  if dilation.contains(where: { $0 != 1 }) { parts.append("dilation=\(pythonTuple(dilation))") }
  if let outputPadding, outputPadding.contains(where: { $0 != 0 }) {
    parts.append("output_padding=\(pythonTuple(outputPadding))")
  }
  if groups != 1 { parts.append("groups=\(groups)") }
  if !bias { parts.append("bias=False") }
  return parts.joined(separator: ", ")
}

/// Checks the channel counts against `groups` with PyTorch's messages.
func checkConvolutionChannels(_ inChannels: Int, _ outChannels: Int, groups: Int) {
  precondition(groups > 0, "groups must be a positive integer")
  precondition(inChannels % groups == 0, "in_channels must be divisible by groups")
  precondition(outChannels % groups == 0, "out_channels must be divisible by groups")
}

/// A 1-d convolution layer (PyTorch's `nn.Conv1d`); see ``conv1d(_:weight:bias:stride:padding:dilation:groups:)``.
///
/// Shapes: input `[N, inChannels, L]` or `[inChannels, L]`; weight `[outChannels,
/// inChannels/groups, kernelSize]`; bias `[outChannels]`. Initialized as PyTorch does, so
/// `manualSeed(0); Conv1d(3, 6, kernelSize: 5)` equals `torch.manual_seed(0); nn.Conv1d(3, 6, 5)`.
///
/// ```swift
/// let layer = Conv1d(3, 6, kernelSize: 5, padding: 2)
/// let y = layer(Tensor.randn([8, 3, 100]))   // [8, 6, 100]
/// print(layer)   // Conv1d(3, 6, kernel_size=(5,), stride=(1,), padding=(2,))
/// ```
public final class Conv1d: Module {
  @Parameter public var weight: Tensor
  @Parameter public var bias: Tensor?
  public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, dilation: Int, groups: Int
  public let padding: ConvPadding

  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: ConvPadding = 0,
    dilation: Int = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32
  ) {
    checkConvolutionChannels(inChannels, outChannels, groups: groups)
    (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
    (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
    weight = Tensor.empty([outChannels, inChannels / groups, kernelSize], dtype: dtype)
    self.bias = bias ? Tensor.empty([outChannels], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// Draws fresh weights and biases as the initializer does.
  public func resetParameters() { resetConvolutionParameters(weight: weight, bias: bias) }

  public override func forward(_ input: Tensor) -> Tensor {
    conv1d(input, weight: weight, bias: bias, stride: [stride], padding: padding, dilation: [dilation], groups: groups)
  }

  public override var extraDescription: String {
    convolutionDescription(
      inChannels: inChannels, outChannels: outChannels, kernelSize: [kernelSize], stride: [stride],
      padding: padding.isShown ? padding.description(spatialRank: 1) : nil, dilation: [dilation], groups: groups,
      bias: bias != nil)
  }
}

/// A 2-d convolution layer (PyTorch's `nn.Conv2d`); see ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``.
///
/// Shapes: input `[N, inChannels, H, W]` or `[inChannels, H, W]`; weight `[outChannels,
/// inChannels/groups, kH, kW]`; bias `[outChannels]`. Sizes are `[h, w]` or one value for both.
/// Initialized as PyTorch does, so `manualSeed(0); Conv2d(1, 32, kernelSize: [3])` equals
/// `torch.manual_seed(0); nn.Conv2d(1, 32, 3)`.
///
/// ```swift
/// let layer = Conv2d(1, 32, kernelSize: 3)
/// let y = layer(Tensor.randn([64, 1, 28, 28]))   // [64, 32, 26, 26]
/// print(layer)   // Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))
/// ```
public final class Conv2d: Module {
  @Parameter public var weight: Tensor
  @Parameter public var bias: Tensor?
  public let inChannels: Int, outChannels: Int, groups: Int
  public let kernelSize: [Int], stride: [Int], dilation: [Int]
  public let padding: ConvPadding

  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: ConvPadding = 0,
    dilation: [Int] = [1], groups: Int = 1, bias: Bool = true, dtype: DType = .float32
  ) {
    checkConvolutionChannels(inChannels, outChannels, groups: groups)
    (self.inChannels, self.outChannels, self.groups) = (inChannels, outChannels, groups)
    self.kernelSize = expandedSizes(kernelSize, count: 2, name: "kernel_size", op: "Conv2d")
    self.stride = expandedSizes(stride, count: 2, name: "stride", op: "Conv2d")
    self.dilation = expandedSizes(dilation, count: 2, name: "dilation", op: "Conv2d")
    self.padding = padding
    weight = Tensor.empty([outChannels, inChannels / groups] + self.kernelSize, dtype: dtype)
    self.bias = bias ? Tensor.empty([outChannels], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// `Conv2d(1, 32, kernelSize: 3, stride: 2, padding: 1)`: one size for both dimensions.
  public convenience init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: ConvPadding = 0,
    dilation: Int = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32
  ) {
    self.init(
      inChannels, outChannels, kernelSize: [kernelSize], stride: [stride], padding: padding, dilation: [dilation],
      groups: groups, bias: bias, dtype: dtype)
  }

  /// Draws fresh weights and biases as the initializer does.
  public func resetParameters() { resetConvolutionParameters(weight: weight, bias: bias) }

  public override func forward(_ input: Tensor) -> Tensor {
    conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
  }

  public override var extraDescription: String {
    convolutionDescription(
      inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
      padding: padding.isShown ? padding.description(spatialRank: 2) : nil, dilation: dilation, groups: groups,
      bias: bias != nil)
  }
}

/// A 2-d transposed convolution layer (PyTorch's `nn.ConvTranspose2d`); see
/// ``convTranspose2d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)``.
///
/// Shapes: input `[N, inChannels, H, W]` or unbatched; weight `[inChannels, outChannels/groups,
/// kH, kW]`; bias `[outChannels]`. Initialized as PyTorch does (fan-in from that weight layout:
/// `outChannels/groups·kH·kW`).
///
/// ```swift
/// let up = ConvTranspose2d(16, 8, kernelSize: 2, stride: 2)
/// let y = up(Tensor.randn([1, 16, 7, 7]))   // [1, 8, 14, 14]
/// ```
public final class ConvTranspose2d: Module {
  @Parameter public var weight: Tensor
  @Parameter public var bias: Tensor?
  public let inChannels: Int, outChannels: Int, groups: Int
  public let kernelSize: [Int], stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int]

  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: [Int] = [0],
    outputPadding: [Int] = [0], groups: Int = 1, bias: Bool = true, dilation: [Int] = [1], dtype: DType = .float32
  ) {
    checkConvolutionChannels(inChannels, outChannels, groups: groups)
    (self.inChannels, self.outChannels, self.groups) = (inChannels, outChannels, groups)
    let op = "ConvTranspose2d"
    self.kernelSize = expandedSizes(kernelSize, count: 2, name: "kernel_size", op: op)
    self.stride = expandedSizes(stride, count: 2, name: "stride", op: op)
    self.padding = expandedSizes(padding, count: 2, name: "padding", op: op)
    self.outputPadding = expandedSizes(outputPadding, count: 2, name: "output_padding", op: op)
    self.dilation = expandedSizes(dilation, count: 2, name: "dilation", op: op)
    weight = Tensor.empty([inChannels, outChannels / groups] + self.kernelSize, dtype: dtype)
    self.bias = bias ? Tensor.empty([outChannels], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// `ConvTranspose2d(16, 8, kernelSize: 2, stride: 2)`: one size for both dimensions.
  public convenience init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
    groups: Int = 1, bias: Bool = true, dilation: Int = 1, dtype: DType = .float32
  ) {
    self.init(
      inChannels, outChannels, kernelSize: [kernelSize], stride: [stride], padding: [padding],
      outputPadding: [outputPadding], groups: groups, bias: bias, dilation: [dilation], dtype: dtype)
  }

  /// Draws fresh weights and biases as the initializer does.
  public func resetParameters() { resetConvolutionParameters(weight: weight, bias: bias) }

  public override func forward(_ input: Tensor) -> Tensor {
    convTranspose2d(
      input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
      groups: groups, dilation: dilation)
  }

  public override var extraDescription: String {
    convolutionDescription(
      inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
      padding: padding.contains { $0 != 0 } ? pythonTuple(padding) : nil, dilation: dilation,
      outputPadding: outputPadding, groups: groups, bias: bias != nil)
  }
}
