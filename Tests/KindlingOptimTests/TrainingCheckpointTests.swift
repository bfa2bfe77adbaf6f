import Foundation
import KindlingNN
import KindlingTestSupport
import Testing

@testable import KindlingOptim

@Suite("Training checkpoints resume exactly", .isolatedRandomness)
struct TrainingCheckpointTests {
  /// A few steps of a small model with dropout (so the default generator matters), Adam and a
  /// cosine schedule.
  private func train(
    _ model: Sequential, _ optimizer: Adam, _ scheduler: CosineAnnealingLR, steps: Range<Int>, data: (Tensor, Tensor)
  ) -> [Double] {
    steps.map { _ in
      let loss = crossEntropy(model(data.0), data.1)
      optimizer.zeroGrad()
      loss.backward()
      optimizer.step()
      scheduler.step()
      return loss.item()
    }
  }

  private func makeRun() -> (Sequential, Adam, CosineAnnealingLR) {
    let model = Sequential(Linear(6, 16), ReLU(), Dropout(p: 0.3), Linear(16, 3))
    let optimizer = Adam(model.parameters(), lr: 0.01)
    return (model, optimizer, CosineAnnealingLR(optimizer, tMax: 10))
  }

  @Test("save after 5 steps, load into fresh objects, 5 more steps equal 10 uninterrupted steps bit for bit")
  func resumeIsExact() throws {
    manualSeed(0)
    let data = (Tensor.randn([32, 6]), Tensor.randint(0, 3, [32]))
    manualSeed(1)
    let (model, optimizer, scheduler) = makeRun()
    let straight = train(model, optimizer, scheduler, steps: 0..<10, data: data)

    manualSeed(1)
    let (first, firstOptimizer, firstScheduler) = makeRun()
    let before = train(first, firstOptimizer, firstScheduler, steps: 0..<5, data: data)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).safetensors").path
    try TrainingCheckpoint(model: first.stateDict(), optimizer: firstOptimizer, scheduler: firstScheduler, epoch: 5)
      .save(to: path)

    manualSeed(99)  // a different generator state, which the checkpoint must restore
    let (second, secondOptimizer, secondScheduler) = makeRun()
    let loaded = try TrainingCheckpoint.load(from: path)
    try second.loadStateDict(loaded.model)
    try loaded.restore(optimizer: secondOptimizer, scheduler: secondScheduler)
    #expect(loaded.epoch == 5)
    let after = train(second, secondOptimizer, secondScheduler, steps: 5..<10, data: data)
    #expect(before + after == straight)
    #expect(second.stateDict().keys.allSatisfy { second.stateDict()[$0]!.equal(model.stateDict()[$0]!) })
  }

  @Test("a checkpoint refuses an optimizer of another type or shape, and a file that is not a checkpoint")
  func mismatches() throws {
    let (model, optimizer, scheduler) = makeRun()
    _ = train(model, optimizer, scheduler, steps: 0..<1, data: (Tensor.randn([4, 6]), Tensor.randint(0, 3, [4])))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).safetensors").path
    try TrainingCheckpoint(model: model.stateDict(), optimizer: optimizer, epoch: 1).save(to: path)
    let loaded = try TrainingCheckpoint.load(from: path)
    let other = Sequential(Linear(6, 8), Linear(8, 3))
    #expect(throws: TrainingCheckpointError.self) { try loaded.restore(optimizer: Adam(other.parameters())) }
    #expect(throws: TrainingCheckpointError.self) { try loaded.restore(optimizer: SGD(model.parameters(), lr: 0.1)) }
    try SafeTensors.save(model.stateDict(), to: path)
    #expect {
      _ = try TrainingCheckpoint.load(from: path)
    } throws: { "\($0)".contains("not a Kindling training checkpoint") }
    #expect(throws: TrainingCheckpointError.self) { _ = try TrainingCheckpoint.load(from: path + ".missing") }
  }
}
