import KindlingTestSupport
import Testing

@testable import KindlingNN

/// Fixture cases written by Tools/fixtures/nn_conv.py from real PyTorch.
private struct PoolingFixture: Decodable {
  struct Case: Decodable {
    let op: String
    let input: FixtureTensor
    let noncontiguous: Bool
    let output: FixtureTensor, gradOutput: FixtureTensor, gradInput: FixtureTensor
    let indices: FixtureTensor?
    let kernelSize: [Int]?, stride: [Int]?, padding: [Int]?, dilation: [Int]?
    let ceilMode: Bool?, countIncludePad: Bool?, divisorOverride: [Int]?, outputSize: [Int]?
  }

  let cases: [Case]
}

/// Runs one case's op: the output and, for max pooling, the indices.
private func apply(_ c: PoolingFixture.Case, _ x: Tensor) -> (Tensor, Tensor?) {
  let kernel = c.kernelSize ?? [1], padding = c.padding ?? [0], dilation = c.dilation ?? [1]
  let ceil = c.ceilMode ?? false, includePad = c.countIncludePad ?? true
  switch c.op {
  case "max_pool2d":
    let (y, i) = maxPool2dWithIndices(
      x, kernelSize: kernel, stride: c.stride, padding: padding, dilation: dilation, ceilMode: ceil)
    return (y, i)
  case "max_pool1d":
    let (y, i) = maxPool1dWithIndices(
      x, kernelSize: kernel[0], stride: c.stride?.first, padding: padding[0], dilation: dilation[0], ceilMode: ceil)
    return (y, i)
  case "avg_pool2d":
    let y = avgPool2d(
      x, kernelSize: kernel, stride: c.stride, padding: padding, ceilMode: ceil, countIncludePad: includePad,
      divisorOverride: c.divisorOverride?.first)
    return (y, nil)
  case "avg_pool1d":
    let y = avgPool1d(
      x, kernelSize: kernel[0], stride: c.stride?.first, padding: padding[0], ceilMode: ceil,
      countIncludePad: includePad)
    return (y, nil)
  default:
    return (adaptiveAvgPool2d(x, outputSize: c.outputSize!.map { $0 < 0 ? nil : $0 }), nil)
  }
}

@Suite("Pooling: max, average and adaptive average pooling against PyTorch", .isolatedRandomness)
struct PoolingTests {
  @Test("every fixture case's output, argmax indices and input gradient equal PyTorch's")
  func fixtureCases() throws {
    for c in try loadFixture("pooling.json", as: PoolingFixture.self).cases {
      let stored = c.input.tensor
      let x = (c.noncontiguous ? stored.transpose(-1, -2) : stored).detach()
      x.requiresGrad = true
      let (y, indices) = apply(c, x)
      let label = Comment(rawValue: "\(c.op) \(c.input.shape)")
      expectMatches(y, c.output, label)
      if let expected = c.indices { expectMatches(try #require(indices), expected, label) }
      y.backward(gradient: c.gradOutput.tensor)
      expectMatches(x.grad!, c.gradInput, label)
    }
  }

  @Test("gradcheck passes for each pooling op")
  func gradchecks() throws {
    manualSeed(5)
    func leaf(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, requiresGrad: true) }
    try gradcheck({ maxPool2d($0[0], kernelSize: [2], stride: [1], padding: [1]) }, [leaf([1, 2, 3, 4])])
    try gradcheck({ maxPool1d($0[0], kernelSize: 2, ceilMode: true) }, [leaf([2, 5])])
    try gradcheck(
      { avgPool2d($0[0], kernelSize: [3], stride: [2], padding: [1], ceilMode: true, countIncludePad: false) },
      [leaf([1, 2, 4, 5])])
    try gradcheck({ avgPool1d($0[0], kernelSize: 2, padding: 1) }, [leaf([1, 2, 5])])
    try gradcheck({ adaptiveAvgPool2d($0[0], outputSize: [2, 3]) }, [leaf([1, 2, 5, 4])])
  }

  @Test("gradient functions carry PyTorch's names")
  func gradFnNames() {
    let x = Tensor.randn([1, 2, 6, 6], requiresGrad: true)
    #expect(maxPool2d(x, kernelSize: [2]).gradFn?.name == "MaxPool2DWithIndicesBackward0")
    #expect(avgPool2d(x, kernelSize: [2]).gradFn?.name == "AvgPool2DBackward0")
    #expect(adaptiveAvgPool2d(x, outputSize: [2, 2]).gradFn?.name == "AdaptiveAvgPool2DBackward0")
    #expect(adaptiveAvgPool2d(x, outputSize: [1, 1]).gradFn?.name == "MeanBackward1")
    #expect(maxPool1d(x[0], kernelSize: 2).gradFn?.name == "SqueezeBackward1")
  }

  @Test("too much padding stops with PyTorch's message")
  func padTooLarge() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = maxPool2d(Tensor.zeros([1, 3, 5, 5]), kernelSize: [3], padding: [2])
    }
    let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      stderr.contains(
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"))
  }
}
