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
  /// Losses of `steps` optimizer steps of a two-layer MLP (with dropout when asked) on `device`,
  /// and its final weights.
  func train(
    on device: Device, steps: Int, dropout: Bool = false,
    optimizer makeOptimizer: ([Tensor]) -> any Optimizer = { SGD($0, lr: 0.1, momentum: 0.9) }
  ) throws -> (losses: [Double], weights: [Tensor]) {
    manualSeed(3)
    let model =
      dropout
      ? Sequential(Linear(20, 32), ReLU(), Dropout(p: 0.3), Linear(32, 5))
      : Sequential(Linear(20, 32), ReLU(), Linear(32, 5))
    let x = Tensor.randn([16, 20]), y = Tensor.randint(0, 5, [16])
    try model.to(device)
    let (input, target) = (try x.to(device), try y.to(device))
    let optimizer = makeOptimizer(model.parameters())
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

  @Test(
    "Adam (L2, amsgrad), AdamW and dropout train on the device as on the CPU", arguments: ConformanceDevices.available)
  func adam(device: Device) throws {
    let optimizers: [(String, ([Tensor]) -> any Optimizer)] = [
      ("adam", { Adam($0, lr: 0.01, weightDecay: 0.1, amsgrad: true) }), ("adamw", { AdamW($0, lr: 0.01) }),
    ]
    for (name, make) in optimizers {
      let gpu = try train(on: device, steps: 4, dropout: true, optimizer: make)
      let cpu = try train(on: .cpu, steps: 4, dropout: true, optimizer: make)
      for (g, c) in zip(gpu.losses, cpu.losses) {
        #expect(abs(g - c) <= 1e-4 * max(1, abs(c)), "\(name) loss \(g) vs \(c)")
      }
      // Adam divides by sqrt(v): float32 rounding in near-zero gradients moves a weight by up to ~1e-4 · lr scale.
      for (g, c) in zip(gpu.weights, cpu.weights) { expectSame(g, c, tolerance: 1e-3, "\(name) weight") }
    }
  }

  @Test("tensors on two devices in one op stop with both devices named")
  func mixedDevices() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try Tensor.ones([2]).to(.opencl) + Tensor.ones([2])
    }
    let stderr = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(
      stderr.contains("Expected all tensors to be on the same device, but found at least two devices, opencl:0 and cpu")
    )
  }

  /// The output and the input, weight and bias gradients of `f` on `device`.
  func convolutionGradients(
    on device: Device, _ x: Tensor, _ w: Tensor, _ b: Tensor, _ f: (Tensor, Tensor, Tensor) -> Tensor
  ) throws -> [Tensor] {
    let (dx, dw, db) = (try x.to(device).detach(), try w.to(device).detach(), try b.to(device).detach())
    for t in [dx, dw, db] { t.requiresGrad = true }
    let y = f(dx, dw, db)
    (y * y).sum().backward()
    return try [y, dx.grad!, dw.grad!, db.grad!].map { try $0.to(.cpu) }
  }

  @Test(
    "conv2d forward and backward (padding, stride, dilation, groups) match the CPU",
    arguments: ConformanceDevices.available)
  func convolution(device: Device) throws {
    let x = Tensor.randn([3, 4, 9, 8]), w = Tensor.randn([6, 2, 3, 2]), b = Tensor.randn([6])
    let cases: [(String, (Tensor, Tensor, Tensor) -> Tensor)] = [
      ("groups 2, padding 1", { conv2d($0, weight: $1, bias: $2, padding: 1, groups: 2) }),
      ("stride 2, dilation 2", { conv2d($0, weight: $1, bias: $2, stride: [2, 1], dilation: [2], groups: 2) }),
    ]
    for (name, f) in cases {
      let gpu = try convolutionGradients(on: device, x, w, b, f), cpu = try convolutionGradients(on: .cpu, x, w, b, f)
      for (g, c) in zip(gpu, cpu) { expectSame(g, c, tolerance: 1e-4, name) }
    }
  }

  @Test(
    "max pooling forward and backward (ties, overlaps, padding) match the CPU", arguments: ConformanceDevices.available)
  func pooling(device: Device) throws {
    let x = Tensor.randn([2, 3, 7, 6]).mul(Tensor(2)).round()  // rounded: ties in most windows
    for (kernel, stride, padding) in [([2], [2], [0]), ([3], [1], [1]), ([3, 2], [2, 1], [1, 0])] {
      func run(_ device: Device) throws -> [Tensor] {
        let input = try x.to(device).detach()
        input.requiresGrad = true
        let (y, indices) = maxPool2dWithIndices(input, kernelSize: kernel, stride: stride, padding: padding)
        (y * Tensor.arange(0, Double(y.count)).view(y.shape).to(device, orFail: ())).sum().backward()
        return try [y, indices, input.grad!].map { try $0.to(.cpu) }
      }
      for (g, c) in zip(try run(device), try run(.cpu)) {
        expectSame(g, c, tolerance: 1e-6, "pool \(kernel) \(stride) \(padding)")
      }
    }
  }

  @Test("a CNN's losses match the CPU's over a few SGD steps", arguments: ConformanceDevices.available)
  func cnn(device: Device) throws {
    func train(_ device: Device) throws -> [Double] {
      manualSeed(5)
      let model = Sequential(
        Conv2d(1, 4, kernelSize: [3]), ReLU(), MaxPool2d(kernelSize: [2]), Flatten(), Linear(4 * 3 * 3, 3))
      let x = Tensor.randn([8, 1, 8, 8]), y = Tensor.randint(0, 3, [8])
      try model.to(device)
      let (input, target) = (try x.to(device), try y.to(device))
      let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
      return (0..<4).map { _ in
        optimizer.zeroGrad()
        let loss = crossEntropy(model(input), target)
        loss.backward()
        optimizer.step()
        return loss.item()
      }
    }
    let gpu = try train(device), cpu = try train(.cpu)
    for (g, c) in zip(gpu, cpu) { #expect(abs(g - c) <= 1e-4 * max(1, abs(c)), "loss \(g) vs \(c)") }
  }
}
