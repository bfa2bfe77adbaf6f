import KindlingTestSupport
import Testing

@testable import KindlingNN

/// Fixture cases written by Tools/fixtures/nn_conv.py from real PyTorch.
private struct ConvFixture: Decodable {
  struct PaddingValue: Decodable {
    let padding: ConvPadding
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let name = try? container.decode(String.self) {
        padding = name == "same" ? .same : .valid
      } else {
        padding = .explicit(try container.decode([Int].self))
      }
    }
  }

  struct Case: Decodable {
    let op: String
    let input: FixtureTensor, weight: FixtureTensor, bias: FixtureTensor?
    let noncontiguous: Bool
    let output: FixtureTensor, gradOutput: FixtureTensor
    let gradInput: FixtureTensor, gradWeight: FixtureTensor, gradBias: FixtureTensor?
    let stride: [Int]?, padding: PaddingValue?, dilation: [Int]?, groups: [Int]?, outputPadding: [Int]?
  }

  struct Layer: Decodable {
    let source: String
    let description: String
    let weight: FixtureTensor?
    let bias: FixtureTensor?
  }

  let cases: [Case]
  let layers: [Layer]
  /// Cases large enough to run on several threads (the kernels share out the batch).
  let threadedCases: [Case]
}

private func loadConvFixture() throws -> ConvFixture {
  try loadFixture("conv.json", as: ConvFixture.self)
}

/// Runs one fixture case's op on `input` (already viewed as PyTorch used it).
private func apply(_ c: ConvFixture.Case, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
  let stride = c.stride ?? [1], dilation = c.dilation ?? [1], groups = c.groups?.first ?? 1
  switch c.op {
  case "conv1d":
    return conv1d(
      input, weight: weight, bias: bias, stride: stride, padding: c.padding?.padding ?? 0, dilation: dilation,
      groups: groups)
  case "conv2d":
    return conv2d(
      input, weight: weight, bias: bias, stride: stride, padding: c.padding?.padding ?? 0, dilation: dilation,
      groups: groups)
  default:
    guard case .explicit(let padding) = c.padding?.padding ?? .explicit([0]) else { fatalError("bad fixture") }
    return convTranspose2d(
      input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: c.outputPadding ?? [0],
      groups: groups, dilation: dilation)
  }
}

/// Runs `c` and checks its output and its input, weight and bias gradients against PyTorch's.
private func expectMatchesPyTorch(_ c: ConvFixture.Case, sourceLocation: SourceLocation = #_sourceLocation) {
  let stored = c.input.tensor
  let leaf = (c.noncontiguous ? stored.transpose(-1, -2) : stored).detach()
  leaf.requiresGrad = true
  let weight = c.weight.tensor, bias = c.bias?.tensor
  weight.requiresGrad = true
  bias?.requiresGrad = true
  let output = apply(c, leaf, weight, bias)
  let label = Comment(rawValue: "\(c.op) input \(c.input.shape) weight \(c.weight.shape)")
  let tolerance = c.input.dtype == "float32" ? 1e-4 : 1e-10
  func check(_ actual: Tensor, _ expected: FixtureTensor) {
    expectMatches(
      actual, expected, relativeTolerance: tolerance, absoluteTolerance: tolerance, label,
      sourceLocation: sourceLocation)
  }
  check(output, c.output)
  output.backward(gradient: c.gradOutput.tensor)
  check(leaf.grad!, c.gradInput)
  check(weight.grad!, c.gradWeight)
  if let gradBias = c.gradBias { check(bias!.grad!, gradBias) }
}

/// The layer a fixture entry's PyTorch source built, built the same way here.
private let layerBuilders: [String: @Sendable () -> Module] = [
  "Conv1d(3, 6, 5)": { Conv1d(3, 6, kernelSize: 5) },
  "Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)": {
    Conv1d(4, 6, kernelSize: 3, stride: 2, padding: 1, dilation: 2, groups: 2, bias: false)
  },
  "Conv2d(1, 32, 3)": { Conv2d(1, 32, kernelSize: 3) },
  "Conv2d(4, 8, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False)": {
    Conv2d(4, 8, kernelSize: [3, 5], stride: [2], padding: 1, dilation: [2], groups: 2, bias: false)
  },
  "Conv2d(4, 4, 3, padding='same', groups=4)": { Conv2d(4, 4, kernelSize: 3, padding: .same, groups: 4) },
  "Conv2d(4, 4, 3, padding='valid')": { Conv2d(4, 4, kernelSize: 3, padding: .valid) },
  "ConvTranspose2d(3, 6, 3)": { ConvTranspose2d(3, 6, kernelSize: 3) },
  "ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False, dilation=2)": {
    ConvTranspose2d(4, 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, dilation: 2)
  },
  "ConvTranspose2d(2, 6, (2, 3), groups=2)": { ConvTranspose2d(2, 6, kernelSize: [2, 3], groups: 2) },
  "MaxPool2d(2)": { MaxPool2d(kernelSize: 2) },
  "MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)": {
    MaxPool2d(kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true)
  },
  "MaxPool2d((2, 3))": { MaxPool2d(kernelSize: [2, 3]) },
  "MaxPool1d(3)": { MaxPool1d(kernelSize: 3) },
  "MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)": {
    MaxPool1d(kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true)
  },
  "AvgPool2d(2)": { AvgPool2d(kernelSize: 2) },
  "AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=4)": {
    AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4)
  },
  "AvgPool2d((2, 3))": { AvgPool2d(kernelSize: [2, 3]) },
  "AvgPool1d(3)": { AvgPool1d(kernelSize: 3) },
  "AvgPool1d(3, stride=2, padding=1)": { AvgPool1d(kernelSize: 3, stride: 2, padding: 1) },
  "AdaptiveAvgPool2d(3)": { AdaptiveAvgPool2d(outputSize: 3) },
  "AdaptiveAvgPool2d((3, None))": { AdaptiveAvgPool2d(outputSize: [3, nil]) },
  "AdaptiveAvgPool2d((2, 3))": { AdaptiveAvgPool2d(outputSize: [2, 3]) },
]

@Suite("Convolution: conv1d, conv2d, conv_transpose2d and their layers against PyTorch", .isolatedRandomness)
struct ConvolutionTests {
  @Test("every fixture case's output and input, weight and bias gradients equal PyTorch's")
  func fixtureCases() throws {
    for c in try loadConvFixture().cases { expectMatchesPyTorch(c) }
  }

  @Test(
    "a case over 2¹⁸ multiply-adds equals PyTorch on 1 thread, 2 (each takes whole samples) and 3 (each sample split)",
    arguments: [1, 2, 3])
  func threadedFixtureCases(threads: Int) throws {
    for c in try loadConvFixture().threadedCases { BLAS.withThreadCount(threads) { expectMatchesPyTorch(c) } }
  }

  @Test("grouped, transposed, 1-d and pointwise convolutions give the same outputs and gradients on 1, 2 and 3 threads")
  func threadCountsAgree() throws {
    typealias Conv = ([Tensor]) -> Tensor
    let cases: [(String, [Int], [Int], Conv)] = [
      (
        "grouped conv2d", [5, 8, 10, 10], [16, 4, 3, 3],
        { conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1, groups: 2) }
      ),
      (
        "strided conv2d", [4, 8, 16, 16], [12, 8, 3, 3],
        { conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2], padding: 2) }
      ),
      (
        "conv_transpose2d", [4, 12, 9, 9], [12, 8, 3, 3],
        { convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: [2]) }
      ),
      ("conv1d", [6, 16, 40], [16, 16, 5], { conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2) }),
      ("pointwise conv2d", [4, 32, 6, 6], [64, 32, 1, 1], { conv2d($0[0], weight: $0[1], bias: $0[2]) }),
    ]
    for (name, inputShape, weightShape, conv) in cases {
      manualSeed(7)
      let input = Tensor.randn(inputShape, dtype: .float64)
      let weight = Tensor.randn(weightShape, dtype: .float64)
      let channels = name == "conv_transpose2d" ? weightShape[1] : weightShape[0]
      let bias = Tensor.randn([channels], dtype: .float64)
      func run(threads: Int) -> [Tensor] {
        BLAS.withThreadCount(threads) { run() }
      }
      func run() -> [Tensor] {
        let leaves = [input, weight, bias].map { t -> Tensor in
          let leaf = t.detach().clone()
          leaf.requiresGrad = true
          return leaf
        }
        let output = conv(leaves)
        output.backward(gradient: Tensor.onesLike(output))
        return [output.detach()] + leaves.map { $0.grad! }
      }
      let reference = run(threads: 1)
      // Multiply-adds: each element of the column side (a transposed convolution's input) takes
      // one per element of a weight slice.
      let columnSide = name == "conv_transpose2d" ? input : reference[0]
      let work = columnSide.count * weightShape.dropFirst().reduce(1, *)
      #expect(work >= 1 << 18, "\(name) is too small to be split (\(work) multiply-adds)")
      for threads in [2, 3] {
        for (got, want) in zip(run(threads: threads), reference) {
          #expect(got.shape == want.shape, "\(name), \(threads) threads")
          let error = (got - want).abs().max().item(as: Double.self)
          let scale = want.abs().max().item(as: Double.self)
          #expect(error <= 1e-12 * scale, "\(name), \(threads) threads: max difference \(error)")
        }
      }
    }
  }

  @Test(
    "the bias gradient, summed with the weight gradient's pass, equals the output gradient summed over all but channels",
    arguments: [1, 2, 3])
  func fusedBiasGradient(threads: Int) {
    manualSeed(11)
    // (input, weight, groups): whole samples per thread (batch 8), split samples (batch 1),
    // grouped, pointwise (no im2col) and 1-d.
    let cases: [([Int], [Int], Int)] = [
      ([8, 6, 12, 12], [10, 6, 3, 3], 1), ([1, 6, 30, 30], [10, 6, 3, 3], 1), ([8, 6, 12, 12], [8, 3, 3, 3], 2),
      ([8, 16, 9, 9], [12, 16, 1, 1], 1), ([8, 4, 50], [6, 4, 5], 1),
    ]
    for dtype in [DType.float32, .float64] {
      for (inputShape, weightShape, groups) in cases {
        for weightNeedsGrad in [true, false] {
          let input = Tensor.randn(inputShape, dtype: dtype)
          let weight = Tensor.randn(weightShape, dtype: dtype, requiresGrad: weightNeedsGrad)
          let bias = Tensor.randn([weightShape[0]], dtype: dtype, requiresGrad: true)
          let output = BLAS.withThreadCount(threads) {
            inputShape.count == 3
              ? conv1d(input, weight: weight, bias: bias, groups: groups)
              : conv2d(input, weight: weight, bias: bias, groups: groups)
          }
          let gradOutput = Tensor.randn(output.shape, dtype: dtype)
          BLAS.withThreadCount(threads) { output.backward(gradient: gradOutput) }
          let expected = gradOutput.to(.float64).sum(dims: [0] + Array(2..<gradOutput.rank))
          let got = bias.grad!.to(.float64)
          let error = (got - expected).abs().max().item(as: Double.self)
          let tolerance = (dtype == .float32 ? 1e-6 : 1e-13) * max(1, expected.abs().max().item(as: Double.self))
          #expect(
            error <= tolerance,
            "\(dtype) input \(inputShape) weight \(weightShape), weight grad \(weightNeedsGrad), \(threads) threads: \(error)"
          )
          #expect(bias.grad!.dtype == dtype && bias.grad!.shape == [weightShape[0]])
        }
      }
    }
  }

  @Test("each layer's default initialization after manualSeed(0) equals PyTorch's bit for bit, and its printout")
  func layerInitAndPrintout() throws {
    for layer in try loadConvFixture().layers {
      manualSeed(0)
      let build = try #require(layerBuilders[layer.source], "no Swift builder for \(layer.source)")
      let module = build()
      #expect(module.description == layer.description)
      let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.0, $0.1) })
      if let weight = layer.weight {
        expectMatches(try #require(parameters["weight"]), weight, relativeTolerance: 0, Comment(rawValue: layer.source))
      }
      if let bias = layer.bias {
        expectMatches(try #require(parameters["bias"]), bias, relativeTolerance: 0, Comment(rawValue: layer.source))
      } else {
        #expect(parameters["bias"] == nil)
      }
    }
  }

  @Test("gradcheck passes for conv1d, conv2d (strided, padded, dilated, grouped) and conv_transpose2d")
  func gradchecks() throws {
    manualSeed(3)
    func leaf(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, requiresGrad: true) }
    try gradcheck(
      { conv1d($0[0], weight: $0[1], bias: $0[2], stride: [2], padding: 1) },
      [leaf([1, 2, 6]), leaf([2, 2, 3]), leaf([2])])
    try gradcheck(
      { conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2) },
      [leaf([1, 4, 4, 5]), leaf([2, 2, 2, 2]), leaf([2])])
    try gradcheck({ conv2d($0[0], weight: $0[1], padding: .same) }, [leaf([1, 2, 3, 4]), leaf([2, 2, 2, 3])])
    try gradcheck(
      { convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: [2], padding: [1], outputPadding: [1], groups: 2) },
      [leaf([1, 2, 3, 3]), leaf([2, 1, 3, 2]), leaf([2])])
  }

  @Test("the gradient function is ConvolutionBackward0, and unbatched inputs end in SqueezeBackward1 as in PyTorch")
  func gradFnNames() {
    let x = Tensor.randn([1, 2, 5, 5], requiresGrad: true), w = Tensor.randn([3, 2, 3, 3])
    #expect(conv2d(x, weight: w).gradFn?.name == "ConvolutionBackward0")
    #expect(convTranspose2d(x, weight: Tensor.randn([2, 3, 3, 3])).gradFn?.name == "ConvolutionBackward0")
    #expect(conv2d(x.squeeze(0), weight: w).gradFn?.name == "SqueezeBackward1")
    #expect(noGrad { conv2d(x, weight: w) }.gradFn == nil)
  }

  @Test("a channel mismatch stops with PyTorch's message")
  func channelMismatch() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = conv2d(Tensor.zeros([64, 3, 28, 28]), weight: Tensor.zeros([64, 32, 3, 3]))
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      stderr.contains(
        "Given groups=1, weight of size [64, 32, 3, 3], expected input[64, 3, 28, 28] to have 32 channels, but got 3 channels instead"
      ))
  }

  @Test("a kernel larger than the padded input stops with PyTorch's message")
  func kernelTooLarge() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = conv2d(Tensor.zeros([1, 3, 2, 2]), weight: Tensor.zeros([4, 3, 3, 3]))
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      stderr.contains(
        "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size"
      ))
  }

  @Test("integer inputs stop with PyTorch's not-implemented message")
  func integerInput() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = conv2d(Tensor.zeros([1, 1, 3, 3], dtype: .bool), weight: Tensor.zeros([1, 1, 1, 1], dtype: .bool))
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(stderr.contains("\"slow_conv2d_cpu\" not implemented for 'Bool'"))
  }
}
