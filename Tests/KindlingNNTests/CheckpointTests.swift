import Foundation
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingNN

private final class CheckpointReLU: Module {
  override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

private struct CheckpointFixture: Decodable {
  let input: FixtureTensor
  let output: FixtureTensor
}

/// `nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))`.
private func makeModel() -> Sequential {
  Sequential(Linear(4, 8), CheckpointReLU(), Linear(8, 3))
}

@Suite("Module checkpoints in safetensors", .isolatedRandomness)
struct CheckpointTests {
  @Test("a PyTorch model saved with safetensors loads into the same Kindling model and gives its outputs")
  func loadsPyTorchModel() throws {
    let fixture = try loadFixture("nn_checkpoints.json", as: CheckpointFixture.self)
    let model = makeModel()
    let contents = try SafeTensors.load(from: fixtureURL("sequential_pytorch.safetensors").path)
    #expect(contents.metadata == ["format": "pt"])
    try model.loadStateDict(contents.tensors)
    expectMatches(noGrad { model(fixture.input.tensor) }, fixture.output)
  }

  @Test("Kindling saves the seeded model byte for byte as PyTorch did (PyTorch loads it in make fixtures)")
  func savesLikePyTorch() throws {
    manualSeed(0)
    let model = makeModel()
    let url = fixtureURL("sequential_kindling.safetensors")
    if ProcessInfo.processInfo.environment["KINDLING_REGENERATE_CHECKPOINTS"] == "1" {
      try SafeTensors.save(model.stateDict(), metadata: ["format": "pt"], to: url.path)
    }
    let ours = try SafeTensors.serialize(model.stateDict(), metadata: ["format": "pt"])
    #expect(ours == [UInt8](try Data(contentsOf: url)))
    #expect(ours == [UInt8](try Data(contentsOf: fixtureURL("sequential_pytorch.safetensors"))))
    // And it loads back into a fresh model with the same outputs.
    let fixture = try loadFixture("nn_checkpoints.json", as: CheckpointFixture.self)
    let restored = makeModel()
    try restored.loadStateDict(try SafeTensors.deserialize(ours).tensors)
    expectMatches(noGrad { restored(fixture.input.tensor) }, fixture.output)
  }
}
