// Benchmarks of KindlingOptim: one optimizer step over the parameters of the 784-256-128-10 MLP
// (weights [256, 784], [128, 256], [10, 128] and their biases: 235,146 float32 parameters), with
// fixed random gradients. The same workload as Benchmarks/peers/optim_step.py in PyTorch
// (`foreach=False` and the default foreach path).
//
//   step.sgd-momentum.mlp   SGD(lr: 0.01, momentum: 0.9)
//   step.adam.mlp           Adam(lr: 1e-3)
//   step.adamw-amsgrad.mlp  AdamW(lr: 1e-3, amsgrad: true)
//
// Times are per step.

import Benchmark
import KindlingOptim
import KindlingTensor

/// The MLP's parameters with gradients set, from a fixed seed.
func mlpParameters() -> [Tensor] {
  let generator = Generator(seed: 0)
  let shapes = [[256, 784], [256], [128, 256], [128], [10, 128], [10]]
  return shapes.map { shape in
    let p = Tensor.randn(shape, generator: generator, requiresGrad: true)
    p.grad = Tensor.randn(shape, generator: generator)
    return p
  }
}

let benchmarks: @Sendable () -> Void = {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 3,
    maxDuration: .seconds(1),
    maxIterations: 2000,
    thresholds: [.mallocCountTotal: .strict]
  )
  configuration.timeUnits = .microseconds

  let sgdParams = mlpParameters()
  let sgd = SGD(sgdParams, lr: 0.01, momentum: 0.9)
  Benchmark("step.sgd-momentum.mlp", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { sgd.step() }
  }
  let adamParams = mlpParameters()
  let adam = Adam(adamParams, lr: 1e-3)
  Benchmark("step.adam.mlp", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { adam.step() }
  }
  let adamWParams = mlpParameters()
  let adamW = AdamW(adamWParams, lr: 1e-3, amsgrad: true)
  Benchmark("step.adamw-amsgrad.mlp", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { adamW.step() }
  }
}
