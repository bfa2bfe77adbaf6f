import KindlingTestSupport
import Testing

@testable import KindlingNN

/// The tests that read or reseed the default generator (module initialization, the model
/// test's Linear and Dropout layers), each with its own default generator.
@Suite("Layer printouts, default initialization and a small network", .isolatedRandomness)
struct LayerDefaultGeneratorTests {
  /// The modules the fixture's printouts name, by the Swift expression that builds them.
  static let modules: [String: @Sendable () -> Module] = [
    "ReLU()": { ReLU() }, "ReLU(inplace: true)": { ReLU(inplace: true) },
    "LeakyReLU()": { LeakyReLU() },
    "LeakyReLU(negativeSlope: 0.2, inplace: true)": { LeakyReLU(negativeSlope: 0.2, inplace: true) },
    "ELU()": { ELU() }, "ELU(alpha: 0.5)": { ELU(alpha: 0.5) }, "GELU()": { GELU() },
    "GELU(approximate: .tanh)": { GELU(approximate: .tanh) }, "SiLU()": { SiLU() },
    "SiLU(inplace: true)": { SiLU(inplace: true) }, "Sigmoid()": { Sigmoid() }, "Tanh()": { Tanh() },
    "Softmax(dim: 1)": { Softmax(dim: 1) }, "Softmax()": { Softmax() }, "LogSoftmax(dim: -1)": { LogSoftmax(dim: -1) },
    "Softplus()": { Softplus() }, "Softplus(beta: 2, threshold: 10)": { Softplus(beta: 2, threshold: 10) },
    "Hardtanh()": { Hardtanh() },
    "Hardtanh(minVal: -2, maxVal: 3, inplace: true)": { Hardtanh(minVal: -2, maxVal: 3, inplace: true) },
    "Dropout()": { Dropout() }, "Dropout(p: 0.1, inplace: true)": { Dropout(p: 0.1, inplace: true) },
    "Dropout1d(p: 0.2)": { Dropout1d(p: 0.2) }, "Dropout2d()": { Dropout2d() },
    "BatchNorm1d(3)": { BatchNorm1d(3) },
    "BatchNorm2d(4, eps: 1e-3, momentum: nil, affine: false, trackRunningStats: false)": {
      BatchNorm2d(4, eps: 1e-3, momentum: nil, affine: false, trackRunningStats: false)
    },
    "BatchNorm2d(8, bias: false)": { BatchNorm2d(8, bias: false) },
    "LayerNorm(5)": { LayerNorm(5) },
    "LayerNorm([2, 3], elementwiseAffine: false)": { LayerNorm([2, 3], elementwiseAffine: false) },
    "LayerNorm(4, eps: 1e-6, bias: false)": { LayerNorm(4, eps: 1e-6, bias: false) },
    "GroupNorm(2, 4)": { GroupNorm(2, 4) },
    "GroupNorm(1, 3, eps: 1e-6, affine: false)": { GroupNorm(1, 3, eps: 1e-6, affine: false) },
    "Embedding(10, 3)": { Embedding(10, 3) }, "Embedding(10, 3, paddingIdx: 0)": { Embedding(10, 3, paddingIdx: 0) },
    "Embedding(10, 3, paddingIdx: -1)": { Embedding(10, 3, paddingIdx: -1) },
    "Embedding(8, 4, padding_idx=3)": { Embedding(8, 4, paddingIdx: 3) },
    "Embedding(5, 2, padding_idx=-2)": { Embedding(5, 2, paddingIdx: -2) },
    "BatchNorm2d(3)": { BatchNorm2d(3) }, "BatchNorm1d(4)": { BatchNorm1d(4) },
  ]

  @Test("every layer class prints as PyTorch prints it")
  func printouts() throws {
    let fixture = try LayersFixture.load()
    for p in fixture.printouts {
      let make = try #require(Self.modules[p.swift], Comment(rawValue: p.swift))
      let module = make()
      #expect(module.description == p.text, Comment(rawValue: p.swift))
    }
  }

  @Test("after manualSeed(0) parameters and buffers equal PyTorch's, and the generator is where PyTorch leaves it")
  func defaultInitialization() throws {
    let fixture = try LayersFixture.load()
    for c in fixture.inits {
      manualSeed(0)
      let make = try #require(Self.modules[c.name], Comment(rawValue: c.name))
      let module = make()
      let after = Tensor.rand([2])
      expectMatches(after, c.after, Comment(rawValue: "\(c.name) generator state"))
      let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters())
      #expect(Set(parameters.keys) == Set(c.parameters.keys), Comment(rawValue: c.name))
      for (name, expected) in c.parameters {
        expectMatches(parameters[name]!, expected, relativeTolerance: 0, Comment(rawValue: "\(c.name) \(name)"))
      }
      let buffers = Dictionary(uniqueKeysWithValues: module.namedBuffers())
      #expect(Set(buffers.keys) == Set(c.buffers.keys), Comment(rawValue: c.name))
      for (name, expected) in c.buffers {
        expectMatches(buffers[name]!, expected, relativeTolerance: 0, Comment(rawValue: "\(c.name) \(name)"))
      }
    }
  }
}
