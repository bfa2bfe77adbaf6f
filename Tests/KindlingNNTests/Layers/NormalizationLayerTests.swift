import KindlingTestSupport
import Testing

@testable import KindlingNN

@Suite("Normalization layers")
struct NormalizationLayerTests {
  static func dtype(_ name: String) -> DType { name == "float64" ? .float64 : .float32 }

  static func makeBatchNorm(_ c: LayersFixture.BatchNormCase) -> BatchNorm {
    let (n, dtype) = (c.numFeatures, dtype(c.dtype))
    let module: BatchNorm =
      c.kind == "BatchNorm1d"
      ? BatchNorm1d(
        n, eps: c.eps, momentum: c.momentum, affine: c.affine, trackRunningStats: c.trackRunningStats, bias: c.bias,
        dtype: dtype)
      : BatchNorm2d(
        n, eps: c.eps, momentum: c.momentum, affine: c.affine, trackRunningStats: c.trackRunningStats, bias: c.bias,
        dtype: dtype)
    if let w = c.parameters["weight"] { module.weight = w.tensor }
    if let b = c.parameters["bias"] { module.bias = b.tensor }
    return module
  }

  @Test("BatchNorm1d/2d training steps match PyTorch: outputs, gradients and updated running statistics")
  func batchNormTraining() throws {
    let fixture = try LayersFixture.load()
    #expect(fixture.batchNorms.count == 14)
    for c in fixture.batchNorms {
      let module = Self.makeBatchNorm(c)
      let label = "\(c.kind) \(c.dtype) \(c.train[0].input.shape) momentum=\(c.momentum.map { "\($0)" } ?? "nil")"
      #expect(module.stateDict().keys == c.stateKeys, Comment(rawValue: label))
      for (i, step) in c.train.enumerated() {
        let x = step.input.leaf
        let y = module(x)
        #expect(y.gradFn?.name == "NativeBatchNormBackward0")
        expectMatches(y, step.output, Comment(rawValue: "\(label) step \(i) output"))
        expectGradients(
          of: y, upstream: step.upstream, input: x, module: module, expectedInput: step.inputGrad,
          expectedParameters: step.paramGrads, "\(label) step \(i)")
        let buffers = Dictionary(uniqueKeysWithValues: module.namedBuffers())
        #expect(Set(buffers.keys) == Set(step.buffers!.keys), Comment(rawValue: label))
        for (name, expected) in step.buffers! {
          expectMatches(buffers[name]!, expected, Comment(rawValue: "\(label) step \(i) \(name)"))
        }
      }
    }
  }

  @Test("BatchNorm in evaluation mode normalizes with the running statistics, as PyTorch")
  func batchNormEvaluation() throws {
    let fixture = try LayersFixture.load()
    for c in fixture.batchNorms {
      let module = Self.makeBatchNorm(c)
      for step in c.train { _ = module(step.input.tensor) }
      module.eval()
      let x = c.eval.input.leaf
      let y = module(x)
      let label = "\(c.kind) \(c.dtype) eval track=\(c.trackRunningStats)"
      expectMatches(y, c.eval.output, Comment(rawValue: label))
      expectGradients(
        of: y, upstream: c.eval.upstream, input: x, module: module, expectedInput: c.eval.inputGrad,
        expectedParameters: c.eval.paramGrads, label)
    }
  }

  @Test("LayerNorm and GroupNorm match PyTorch's outputs, input and parameter gradients")
  func rowNorms() throws {
    let fixture = try LayersFixture.load()
    #expect(fixture.rowNorms.count == 16)
    for c in fixture.rowNorms {
      let dtype = Self.dtype(c.dtype)
      let module: Module
      if c.kind == "LayerNorm" {
        let norm = LayerNorm(c.normalizedShape, eps: c.eps, elementwiseAffine: c.affine, bias: c.bias, dtype: dtype)
        if let w = c.parameters["weight"] { norm.weight = w.tensor }
        if let b = c.parameters["bias"] { norm.bias = b.tensor }
        module = norm
      } else {
        let norm = GroupNorm(c.numGroups, c.numChannels, eps: c.eps, affine: c.affine, bias: c.bias, dtype: dtype)
        if let w = c.parameters["weight"] { norm.weight = w.tensor }
        if let b = c.parameters["bias"] { norm.bias = b.tensor }
        module = norm
      }
      let label = "\(c.kind) \(c.dtype) \(c.input.shape)"
      let x = c.input.leaf
      let y = module(x)
      #expect(y.gradFn?.name == c.gradFn, Comment(rawValue: label))
      expectMatches(y, c.output, Comment(rawValue: label))
      expectGradients(
        of: y, upstream: c.upstream, input: x, module: module, expectedInput: c.inputGrad,
        expectedParameters: c.paramGrads, label)
    }
  }

  @Test("the fused backward passes gradcheck for batch norm (training and evaluation), layer norm and group norm")
  func gradchecks() throws {
    let generator = Generator(seed: 11)
    func random(_ shape: [Int]) -> Tensor {
      Tensor.randn(shape, dtype: .float64, generator: generator, requiresGrad: true)
    }
    let x3 = random([3, 2, 2]), x4 = random([2, 4, 2, 1])
    let w2 = (Tensor.rand([2], dtype: .float64, generator: generator) + 0.5).detach(), b2 = random([2])
    w2.requiresGrad = true
    try gradcheck({ batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true) }, [x3, w2, b2])
    let mean = random([2]).detach(), variance = Tensor.rand([2], dtype: .float64, generator: generator) + 0.5
    try gradcheck({ batchNorm($0[0], runningMean: mean, runningVar: variance, weight: $0[1], bias: $0[2]) }, [x3, w2, b2])
    try gradcheck({ batchNorm($0[0], runningMean: nil, runningVar: nil, training: true) }, [x4])
    try gradcheck({ layerNorm($0[0], normalizedShape: [2, 2], eps: 1e-3) }, [x3])
    let w22 = random([2, 1]), b22 = random([2, 1])
    try gradcheck({ layerNorm($0[0], normalizedShape: [2, 1], weight: $0[1], bias: $0[2]) }, [x4, w22, b22])
    let w4 = random([4]), b4 = random([4])
    try gradcheck({ groupNorm($0[0], numGroups: 2, weight: $0[1], bias: $0[2]) }, [x4, w4, b4])
    try gradcheck({ groupNorm($0[0], numGroups: 1) }, [x3])
  }

  @Test("momentum nil keeps the cumulative average of the batch statistics")
  func cumulativeAverage() {
    let bn = BatchNorm1d(2, momentum: nil)
    let generator = Generator(seed: 3)
    let batches = (0..<3).map { _ in Tensor.randn([5, 2], generator: generator) * 2 + 1 }
    for batch in batches { _ = bn(batch) }
    #expect(bn.numBatchesTracked!.item(as: Int64.self) == 3)
    let average = batches.map { $0.mean(dim: 0) }.reduce(Tensor.zeros([2]), +) / 3
    let difference = (bn.runningMean! - average).abs().max().item()
    #expect(difference < 1e-6)
  }

  @Test("a batch of one value per channel stops in training mode with PyTorch's message")
  func oneValuePerChannel() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = BatchNorm1d(3)(Tensor.ones([1, 3]))
    }
    let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(message.contains("Expected more than 1 value per channel when training, got input size [1, 3]"))
  }
}
