import KindlingAutograd
import KindlingNN
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

/// The end-to-end proof that the layers fit together: a tiny MLP and a tiny CNN, built after
/// `manualSeed(0)` exactly as PyTorch builds them after `torch.manual_seed(0)`, trained on the same
/// data with SGD (momentum) and Adam, follow PyTorch's losses step by step
/// (Tools/fixtures/nn_training.py writes the fixture).
@Suite("Training a tiny MLP and CNN matches PyTorch's losses step by step", .isolatedRandomness)
struct TrainingLoopTests {
  struct Fixture: Decodable {
    struct Run: Decodable {
      let model: String
      let optimizer: String
      let dtype: String
      /// `losses[k]`: the loss after `k` optimizer steps.
      let losses: [Double]
      let parameterSums: [String: Double]

      enum CodingKeys: String, CodingKey {
        case model, optimizer, dtype, losses
        case parameterSums = "parameter_sums"
      }
    }
    let inputs: FixtureTensor
    let labels: FixtureTensor
    let runs: [Run]
  }

  /// `nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))`.
  static func mlp() -> Module { Sequential(Flatten(), Linear(64, 32), ReLU(), Linear(32, 10)) }

  /// `nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 10))`.
  static func cnn() -> Module {
    Sequential(Conv2d(1, 4, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2), Flatten(), Linear(4 * 3 * 3, 10))
  }

  /// Builds the run's model after `manualSeed(0)`, trains it as the fixture script does and checks
  /// every loss (the first one proves the initialization) and the final parameters' sums.
  func check(_ run: Fixture.Run, _ fixture: Fixture) {
    let dtype: DType = run.dtype == "float64" ? .float64 : .float32
    // What remains is the rounding of two implementations that sum in different orders, carried
    // through 20 steps: at most 3e-7 relative in float32 and 6e-16 in float64 when this was written.
    let tolerance = dtype == .float64 ? 1e-10 : 1e-5
    let label = "\(run.model) \(run.optimizer) \(run.dtype)"

    manualSeed(0)
    let model = (run.model == "MLP" ? Self.mlp() : Self.cnn()).to(dtype)
    let inputs = fixture.inputs.tensor.to(dtype), labels = fixture.labels.tensor
    let optimizer: any Optimizer =
      run.optimizer == "SGD"
      ? SGD(model.parameters(), lr: 0.1, momentum: 0.9) : Adam(model.parameters(), lr: 1e-2)

    var losses: [Double] = []
    for _ in 0..<(run.losses.count - 1) {
      optimizer.zeroGrad()
      let loss = crossEntropy(model(inputs), labels)
      losses.append(loss.item())
      loss.backward()
      optimizer.step()
    }
    losses.append(noGrad { crossEntropy(model(inputs), labels).item() })

    // The initial loss proves that the model's default initialization equals PyTorch's.
    #expect(abs(losses[0] - run.losses[0]) <= 1e-6 * abs(run.losses[0]), "\(label): initial loss")
    for (step, (got, expected)) in zip(losses, run.losses).enumerated() {
      #expect(abs(got - expected) <= tolerance * abs(expected), "\(label) after \(step) steps: \(got) vs \(expected)")
    }

    let names = model.namedParameters().map(\.0)
    #expect(names.sorted() == run.parameterSums.keys.sorted(), "\(label): parameter names")
    for (name, parameter) in model.namedParameters() {
      guard let expected = run.parameterSums[name] else { continue }
      let sum = parameter.to(.float64).sum().item()
      // Sums near zero cancel: compare against the parameter's size, not only the sum's.
      let scale = max(abs(expected), parameter.to(.float64).abs().sum().item())
      #expect(abs(sum - expected) <= tolerance * scale, "\(label) final \(name) sum: \(sum) vs \(expected)")
    }
  }

  @Test(
    "an MLP and a CNN from manualSeed(0) follow PyTorch's 20 SGD-momentum and Adam steps in float32",
    arguments: ["MLP", "CNN"])
  func float32(model: String) throws {
    let fixture = try loadFixture("training_steps.json", as: Fixture.self)
    let runs = fixture.runs.filter { $0.model == model && $0.dtype == "float32" }
    #expect(runs.map(\.optimizer) == ["SGD", "Adam"])
    for run in runs { check(run, fixture) }
  }

  @Test("the MLP converted to float64 follows PyTorch's losses within 1e-10")
  func float64() throws {
    let fixture = try loadFixture("training_steps.json", as: Fixture.self)
    let runs = fixture.runs.filter { $0.dtype == "float64" }
    #expect(runs.map(\.optimizer) == ["SGD", "Adam"])
    for run in runs { check(run, fixture) }
  }
}
