import KindlingAutograd
import KindlingNN
import KindlingOptim
import KindlingStorage
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingGPU

@Suite("GPU training: a model trains on the device as on the CPU", .isolatedRandomness)
struct DeviceTrainingTests {
  /// Losses of `steps` SGD-momentum steps of a two-layer MLP on `device`, and its final weights.
  func train(on device: Device, steps: Int) throws -> (losses: [Double], weights: [Tensor]) {
    manualSeed(3)
    let model = Sequential(Linear(20, 32), ReLU(), Linear(32, 5))
    let x = Tensor.randn([16, 20]), y = Tensor.randint(0, 5, [16])
    try model.to(device)
    let (input, target) = (try x.to(device), try y.to(device))
    let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
    var losses: [Double] = []
    for _ in 0..<steps {
      optimizer.zeroGrad()
      let loss = crossEntropy(model(input), target)
      loss.backward()
      optimizer.step()
      losses.append(loss.item())
    }
    return (losses, try model.parameters().map { try $0.to(.cpu) })
  }

  @Test("an MLP's losses and weights after SGD with momentum match the CPU's", arguments: ConformanceDevices.available)
  func mlp(device: Device) throws {
    let gpu = try train(on: device, steps: 6), cpu = try train(on: .cpu, steps: 6)
    for (g, c) in zip(gpu.losses, cpu.losses) { #expect(abs(g - c) <= 1e-4 * max(1, abs(c)), "loss \(g) vs \(c)") }
    #expect(cpu.losses.last! < cpu.losses.first!)
    for (g, c) in zip(gpu.weights, cpu.weights) { expectSame(g, c, tolerance: 1e-4, "trained weight") }
  }
}
