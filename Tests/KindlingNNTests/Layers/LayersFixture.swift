import KindlingTestSupport
import Testing

@testable import KindlingNN

/// Tests/KindlingNNTests/Fixtures/layers.json, written by Tools/fixtures/nn_layers.py.
struct LayersFixture: Decodable {
  struct ActivationArguments: Decodable {
    var negativeSlope, alpha, beta, threshold, minVal, maxVal: Double?
    var dim: Int?
    var approximate: String?
  }
  struct Activation: Decodable {
    let name: String, args: ActivationArguments, gradFn: String
    let input, upstream, output, inputGrad: FixtureTensor
  }
  struct DropoutCase: Decodable {
    let kind: String, p: Double
    let input, output, after: FixtureTensor
  }
  struct Step: Decodable {
    let input, upstream, output, inputGrad: FixtureTensor
    let paramGrads: [String: FixtureTensor]
    let buffers: [String: FixtureTensor]?
  }
  struct BatchNormCase: Decodable {
    let kind: String, numFeatures: Int, eps: Double, momentum: Double?, affine, bias, trackRunningStats: Bool
    let dtype: String, parameters: [String: FixtureTensor], train: [Step], eval: Step, stateKeys: [String]
  }
  struct RowNormCase: Decodable {
    let kind, dtype, gradFn: String, normalizedShape: [Int], numGroups, numChannels: Int, eps: Double
    let affine, bias: Bool, parameters: [String: FixtureTensor]
    let input, upstream, output, inputGrad: FixtureTensor
    let paramGrads: [String: FixtureTensor]
  }
  struct EmbeddingCase: Decodable {
    let numEmbeddings, embeddingDim: Int, paddingIdx: Int?, dtype: String
    let weight, indices, output, upstream, weightGrad: FixtureTensor
  }
  struct InitCase: Decodable {
    let name: String, parameters, buffers: [String: FixtureTensor], after: FixtureTensor
  }
  struct Printout: Decodable { let swift, text: String }
  struct Model: Decodable { let text: String, stateKeys: [String] }

  let activations: [Activation]
  let dropouts: [DropoutCase]
  let batchNorms: [BatchNormCase]
  let rowNorms: [RowNormCase]
  let embeddings: [EmbeddingCase]
  let inits: [InitCase]
  let printouts: [Printout]
  let model: [Model]

  static func load() throws -> LayersFixture { try loadFixture("layers.json", as: LayersFixture.self) }
}

extension FixtureTensor {
  /// The fixture tensor as a leaf that requires grad.
  var leaf: Tensor {
    let t = tensor
    t.requiresGrad = true
    return t
  }
}

/// The `(name, gradient)` pairs of `module`'s parameters after `grad(outputs:inputs:)`, compared
/// with the fixture's, plus the input's gradient.
func expectGradients(
  of output: Tensor, upstream: FixtureTensor, input: Tensor, module: Module, expectedInput: FixtureTensor,
  expectedParameters: [String: FixtureTensor], _ comment: String
) {
  let named = module.namedParameters()
  let grads = grad(outputs: [output], inputs: [input] + named.map(\.1), gradOutputs: [upstream.tensor])
  expectMatches(grads[0]!, expectedInput, Comment(rawValue: comment + " input grad"))
  #expect(Set(named.map(\.0)) == Set(expectedParameters.keys), Comment(rawValue: comment))
  for ((name, _), g) in zip(named, grads.dropFirst()) {
    guard let expected = expectedParameters[name] else { continue }
    expectMatches(g!, expected, Comment(rawValue: "\(comment) \(name) grad"))
  }
}
