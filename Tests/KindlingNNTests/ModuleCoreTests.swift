import KindlingTestSupport
import Testing

@testable import KindlingNN

/// The model of `nn_modules.py`'s `Net`: every kind of child a module can hold.
private final class Net: Module {
  let features = Sequential(Flatten(), Linear(4, 8))
  let blocks = ModuleList([Linear(8, 8), Linear(8, 8), Linear(8, 8), Identity()])
  let heads = ModuleDict(["digit": Linear(8, 10), "parity": Bilinear(8, 8, 2, bias: false)])
  let unflatten = Unflatten(dim: 1, sizes: [2, 5])
}

/// A module with a buffer, an optional parameter left out, an array of children and a shared layer.
private final class Custom: Module {
  @Parameter var scale: Tensor = Tensor.ones([3])
  @Parameter var offset: Tensor? = nil
  @Buffer var runningTotal: Tensor = Tensor.zeros([3])
  @Buffer var numCalls: Tensor = Tensor.zeros([], dtype: .int64)
  let shared = Linear(3, 3)
  lazy var alias: Linear = shared
  var stages: [Module]

  override init() {
    stages = [Linear(3, 3), ReLUForTest()]
    super.init()
  }

  override func forward(_ input: Tensor) -> Tensor { shared(input * scale) }
}

private final class ReLUForTest: Module {
  override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

struct ModulesFixture: Decodable {
  struct Snapshot: Decodable {
    let shape: [Int]
    let sum: Double
    let head: FixtureTensor
    let tail: FixtureTensor
  }
  struct InitCase: Decodable {
    let layer: String
    let weight: Snapshot
    let bias: Snapshot?
  }
  struct InitFunctionCase: Decodable {
    let function: String
    let shape: [Int]
    let expected: FixtureTensor
  }
  struct ForwardCase: Decodable {
    let layer: String
    let input: FixtureTensor
    let input2: FixtureTensor?
    let weight, bias, output: FixtureTensor
    let gradOutput, gradInput, gradWeight, gradBias: FixtureTensor
    let gradInput2: FixtureTensor?
    enum CodingKeys: String, CodingKey {
      case layer, input, input2, weight, bias, output
      case gradOutput = "grad_output", gradInput = "grad_input", gradWeight = "grad_weight"
      case gradBias = "grad_bias", gradInput2 = "grad_input2"
    }
  }
  struct Printout: Decodable {
    let net: String
    let stateDictKeys: [String]
    let parameterCount: Int
    enum CodingKeys: String, CodingKey {
      case net, stateDictKeys = "state_dict_keys", parameterCount = "parameter_count"
    }
  }
  let `init`: [InitCase]
  let initFunctions: [InitFunctionCase]
  let forward: [ForwardCase]
  let printout: Printout
  enum CodingKeys: String, CodingKey {
    case `init`, initFunctions = "init_functions", forward, printout
  }
}

func expectSnapshot(_ tensor: Tensor, _ snapshot: ModulesFixture.Snapshot, _ comment: Comment) {
  #expect(tensor.shape == snapshot.shape, comment)
  let flat = tensor.flatten()
  expectMatches(flat[0..<16], snapshot.head, absoluteTolerance: 0, comment)
  expectMatches(flat[Swift.max(0, flat.count - 16)...], snapshot.tail, absoluteTolerance: 0, comment)
  #expect(abs(tensor.to(.float64).sum().item(as: Double.self) - snapshot.sum) < 1e-9, comment)
}

@Suite("Module core against PyTorch", .isolatedRandomness)
struct ModuleCoreTests {
  let fixture: ModulesFixture

  init() throws { fixture = try loadFixture("modules.json", as: ModulesFixture.self) }

  @Test("seeded default initialization equals PyTorch's bit for bit")
  func defaultInitialization() throws {
    let layers: [String: () -> (Tensor, Tensor?)] = [
      "Linear(784, 256)": { let l = Linear(784, 256); return (l.weight, l.bias) },
      "Linear(5, 3, bias: false, float64)": { let l = Linear(5, 3, bias: false, dtype: .float64); return (l.weight, l.bias) },
      "Bilinear(3, 4, 5)": { let l = Bilinear(3, 4, 5); return (l.weight, l.bias) },
    ]
    for testCase in fixture.`init` {
      manualSeed(0)
      let make = try #require(layers[testCase.layer])
      let (weight, bias) = make()
      expectSnapshot(weight, testCase.weight, "\(testCase.layer) weight")
      if let expected = testCase.bias {
        expectSnapshot(try #require(bias), expected, "\(testCase.layer) bias")
      } else {
        #expect(bias == nil)
      }
    }
  }

  @Test("init functions draw what torch.nn.init draws")
  func initFunctions() throws {
    let functions: [String: (Tensor) -> Void] = [
      "xavierUniform": { Init.xavierUniform_($0, gain: 1.5) },
      "xavierNormal": { Init.xavierNormal_($0) },
      "kaimingUniform": { Init.kaimingUniform_($0, nonlinearity: .relu) },
      "kaimingNormalFanOut": { Init.kaimingNormal_($0, mode: .fanOut, nonlinearity: .relu) },
      "orthogonal": { Init.orthogonal_($0, gain: 2) },
      "orthogonalWide": { Init.orthogonal_($0) },
      "uniform": { Init.uniform_($0, -2, 3) },
      "normal": { Init.normal_($0, mean: 1, std: 0.5) },
    ]
    for testCase in fixture.initFunctions {
      manualSeed(7)
      let tensor = Tensor.empty(testCase.shape)
      let fill = try #require(functions[testCase.function])
      fill(tensor)
      let exact = !testCase.function.hasPrefix("orthogonal")
      expectMatches(tensor, testCase.expected, absoluteTolerance: exact ? 0 : 1e-5, "\(testCase.function)")
    }
  }

  @Test("Linear and Bilinear compute PyTorch's outputs and gradients")
  func forwardAndGradients() throws {
    for testCase in fixture.forward {
      let x = testCase.input.tensor.requiringGradForTest()
      let x2 = testCase.input2?.tensor.requiringGradForTest()
      let y: Tensor, parameters: (Tensor, Tensor)
      if testCase.layer == "linear" {
        let layer = Linear(testCase.weight.shape[1], testCase.weight.shape[0], dtype: .float64)
        try layer.loadStateDict(["weight": testCase.weight.tensor, "bias": testCase.bias.tensor])
        y = layer(x)
        parameters = (layer.weight, layer.bias!)
      } else {
        let shape = testCase.weight.shape
        let layer = Bilinear(shape[1], shape[2], shape[0], dtype: .float64)
        try layer.loadStateDict(["weight": testCase.weight.tensor, "bias": testCase.bias.tensor])
        y = layer(x, try #require(x2))
        parameters = (layer.weight, layer.bias!)
      }
      expectMatches(y, testCase.output, absoluteTolerance: 1e-12)
      y.backward(gradient: testCase.gradOutput.tensor)
      expectMatches(try #require(x.grad), testCase.gradInput, absoluteTolerance: 1e-12)
      expectMatches(try #require(parameters.0.grad), testCase.gradWeight, absoluteTolerance: 1e-12)
      expectMatches(try #require(parameters.1.grad), testCase.gradBias, absoluteTolerance: 1e-12)
      if let expected = testCase.gradInput2 { expectMatches(try #require(x2?.grad), expected, absoluteTolerance: 1e-12) }
    }
  }

  @Test("a nested model prints, names its state and counts parameters as PyTorch does")
  func printoutAndStateKeys() {
    let net = Net()
    #expect(net.description == fixture.printout.net)
    #expect(net.stateDict().keys == fixture.printout.stateDictKeys)
    #expect(net.parameterCount == fixture.printout.parameterCount)
  }

  @Test("Linear and Bilinear pass gradcheck")
  func gradcheckLayers() throws {
    let linear = Linear(3, 2, dtype: .float64)
    try gradcheck({ linear($0[0]) }, [Tensor.randn([4, 3], dtype: .float64, requiresGrad: true)])
    let layer = Bilinear(2, 3, 2, dtype: .float64)
    let inputs = [Tensor.randn([3, 2], dtype: .float64, requiresGrad: true), Tensor.randn([3, 3], dtype: .float64, requiresGrad: true)]
    try gradcheck({ layer($0[0], $0[1]) }, inputs + [layer.weight])
  }
}

@Suite("Module reflection, modes and state")
struct ModuleBehaviourTests {
  @Test("parameters, buffers and children are found from properties, shared tensors once")
  func reflection() {
    let model = Custom()
    #expect(model.namedParameters().map(\.0) == ["scale", "shared.weight", "shared.bias", "stages.0.weight", "stages.0.bias"])
    #expect(model.namedBuffers().map(\.0) == ["running_total", "num_calls"])
    #expect(model.namedChildren().map(\.0) == ["shared", "stages.0", "stages.1"])
    #expect(model.stateDict().keys == ["scale", "running_total", "num_calls", "shared.weight", "shared.bias", "stages.0.weight", "stages.0.bias"])
    #expect(model.scale.requiresGrad && !model.runningTotal.requiresGrad)
    _ = model.alias  // a lazy alias of a child adds nothing
    #expect(model.parameters().count == 5)
  }

  @Test("train and eval reach every submodule; freezing and zeroGrad cover the subtree")
  func modesAndGradients() {
    let model = Sequential(Linear(3, 4), Sequential(Linear(4, 2)))
    model.eval()
    #expect(model.modules().allSatisfy { !$0.isTraining })
    model.train()
    #expect(model.modules().allSatisfy { $0.isTraining })
    model(Tensor.randn([5, 3])).sum().backward()
    #expect(model.parameters().allSatisfy { $0.grad != nil })
    model.zeroGrad(setToNone: false)
    #expect(model.parameters().allSatisfy { $0.grad!.abs().sum().item(as: Double.self) == 0 })
    model.zeroGrad()
    #expect(model.parameters().allSatisfy { $0.grad == nil })
    (model[1] as! Sequential).requiresGrad(false)
    #expect(model.trainableParameterCount == 16)
    #expect(model.parameterCount == 26)
  }

  @Test("to(dtype) converts floating parameters and buffers, keeps integer buffers and trainability")
  func dtypeConversion() {
    let model = Custom()
    model.shared.weight.requiresGrad = false
    model.to(.float64)
    #expect(model.scale.dtype == .float64 && model.runningTotal.dtype == .float64)
    #expect(model.numCalls.dtype == .int64)
    #expect(model.scale.requiresGrad && model.scale.isLeaf && !model.shared.weight.requiresGrad)
    #expect(model(Tensor.randn([2, 3], dtype: .float64)).dtype == .float64)
  }

  @Test("loading a state dict copies values and reports missing, unexpected and mismatched keys in PyTorch's words")
  func loadStateDictErrors() throws {
    let source = Linear(4, 3), target = Linear(4, 3)
    try target.loadStateDict(source.stateDict())
    #expect(target.weight.equal(source.weight) && target.weight !== source.weight)
    var state = source.stateDict()
    state["bias"] = nil
    state["extra"] = Tensor.zeros([1])
    state["weight"] = Tensor.zeros([2, 4])
    let error = #expect(throws: StateDictError.self) { try target.loadStateDict(state) }
    #expect(
      error?.description == """
        Error(s) in loading state_dict for Linear:
        \tUnexpected key(s) in state_dict: "extra". 
        \tMissing key(s) in state_dict: "bias". 
        \tsize mismatch for weight: copying a param with shape torch.Size([2, 4]) from checkpoint, the shape in current model is torch.Size([3, 4]).
        """)
    let partial = try Linear(4, 3).loadStateDict(["weight": Tensor.zeros([3, 4]), "other": Tensor.zeros([1])], strict: false)
    #expect(partial.missingKeys == ["bias"] && partial.unexpectedKeys == ["other"])
  }

  @Test("state names are PyTorch's snake_case of Swift property names")
  func stateNames() {
    #expect(Module.stateName("runningMean") == "running_mean")
    #expect(Module.stateName("numBatchesTracked") == "num_batches_tracked")
    #expect(Module.stateName("fc1") == "fc1")
  }

  @Test("a module without forward stops with PyTorch's message", .enabled(if: true))
  func missingForward() async {
    await #expect(processExitsWith: .failure) { _ = Module()(Tensor.zeros([1])) }
  }
}

extension Tensor {
  /// The tensor as a leaf that requires grad (`x.requires_grad_()`).
  fileprivate func requiringGradForTest() -> Tensor {
    requiresGrad = true
    return self
  }
}
