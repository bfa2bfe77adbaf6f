// Whole training steps of the two networks of ../shared/bench (mlp_train.py, cnn_train.py),
// batch 64 (the scripts' batch) and 256, float32, seed 0; the PyTorch side is
// Benchmarks/peers/train_step.py (same models, data, batch gather and optimizer), and
// Benchmarks/peers/compare.py prints the ratio of samples per second.
//
//   train.mlp.b<b>.t<n>  Flatten, Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10)
//   train.cnn.b<b>.t<n>  Conv2d(1, 32, 3), ReLU, MaxPool2d(2), Conv2d(32, 64, 3), ReLU,
//                        MaxPool2d(2), Flatten, Linear(1600, 128), ReLU, Linear(128, 10)
//
// b = 64 or 256; each batch size trains its own copy of the model. One sample = one step:
// gather the next b rows of a preloaded data set (indexSelect of the images and labels by a
// slice of a fixed permutation, as the shared scripts' timed region gathers each epoch's
// shuffled batches), zeroGrad, forward, crossEntropy, backward, SGD(lr: 0.05, momentum:
// 0.9).step(). The data set is 60,000 random images in [0, 1) (Tensor.rand, [60000, 784],
// viewed as [60000, 1, 28, 28] for the CNN) with random int64 labels, which cannot be memorized.
//
// Every `restartEvery` (200) steps the model takes its initial parameters back and the
// optimizer forgets its momentum buffers (both sides do this, at the same step counts), so every
// timed step is one of the first 200 of a training run. Without it the numbers turn denormal:
// a unit that stops receiving gradient (a ReLU that stays off) keeps a momentum buffer that
// shrinks by 0.9 a step and falls below Float.leastNormalMagnitude about 750 steps later. From
// about 700 steps on, both frameworks' optimizer steps slow down severalfold (denormal
// arithmetic takes microcode assists on x86): PyTorch's MLP opt.step() went from 540 to 3,400 µs
// by step 2,400 on this machine, and 23 % of the MLP's parameters, gradients and buffers were
// denormal. A benchmark that kept training would then compare whichever framework had run
// more steps at its moment of measurement. The restart costs one copy of the parameters per
// 200 steps (under 0.1 % of a step).
//
// t<n>: BLAS.threadCount = n (the GEMMs' threads, compared with torch.set_num_threads(n));
// Kindling's other kernels (elementwise, im2col, pooling, reductions) split across every core
// whatever n is. Samples per second = b / the time per step.

import Benchmark
import KindlingNN
import KindlingOptim

/// 60,000 random 28×28 "images" in [0, 1), random labels and one shuffled order (seed 0).
private final class TrainingSet: @unchecked Sendable {
  let images: Tensor  // float32 [60000, 784]
  let labels: Tensor  // int64 [60000]
  let order: Tensor  // int64 [60000], a permutation

  init() {
    let generator = Generator(seed: 0)
    images = Tensor.rand([60000, 784], generator: generator)
    labels = Tensor.randint(10, [60000], generator: generator)
    order = Tensor.randperm(60000, generator: generator)
  }
}

private let trainingSet = TrainingSet()

/// A network, its optimizer and the position in the data set.
private final class TrainStepCase: @unchecked Sendable {
  let model: Sequential
  let optimizer: SGD
  let images: Tensor
  let batchSize: Int
  let batchCount: Int
  var batch = 0
  /// The parameters as initialized, which ``restart()`` copies back.
  let initialParameters: [Tensor]
  /// Steps since the last restart.
  var stepsSinceRestart = 0

  /// Steps between restarts; `Benchmarks/peers/train_step.py` uses the same count.
  static let restartEvery = 200

  init(_ makeModel: () -> Sequential, imageShape: [Int], batchSize: Int) {
    manualSeed(0)
    model = makeModel()
    optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
    initialParameters = model.parameters().map { $0.detach().clone() }
    images = trainingSet.images.reshape([60000] + imageShape)
    self.batchSize = batchSize
    batchCount = 60000 / batchSize
  }

  /// The initial parameters back, and no momentum buffers (the next step starts them afresh).
  func restart() {
    noGrad {
      for (parameter, initial) in zip(model.parameters(), initialParameters) { _ = parameter.copy_(initial) }
    }
    optimizer.state = [:]
    stepsSinceRestart = 0
  }

  /// One training step on the next batch of `batchSize`, after a ``restart()`` every
  /// ``restartEvery`` steps.
  func step() {
    if stepsSinceRestart == Self.restartEvery { restart() }
    stepsSinceRestart += 1
    let index = trainingSet.order.narrow(dim: 0, start: batch * batchSize, length: batchSize)
    batch = (batch + 1) % batchCount
    let x = images.indexSelect(dim: 0, index: index)
    let y = trainingSet.labels.indexSelect(dim: 0, index: index)
    optimizer.zeroGrad()
    let loss = crossEntropy(model(x), y)
    loss.backward()
    optimizer.step()
  }
}

private func makeMLP() -> Sequential {
  Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
}

private func makeCNN() -> Sequential {
  Sequential(
    Conv2d(1, 32, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
    Conv2d(32, 64, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
    Flatten(), Linear(1600, 128), ReLU(), Linear(128, 10))
}

// Made when a benchmark that uses them first runs (global `let`s are lazy), so a filtered run
// builds only its own.
private let mlp64 = TrainStepCase(makeMLP, imageShape: [784], batchSize: 64)
private let mlp256 = TrainStepCase(makeMLP, imageShape: [784], batchSize: 256)
private let cnn64 = TrainStepCase(makeCNN, imageShape: [1, 28, 28], batchSize: 64)
private let cnn256 = TrainStepCase(makeCNN, imageShape: [1, 28, 28], batchSize: 256)

/// Registers `train.<mlp|cnn>.b<64|256>.t<1|2>`.
func trainStepBenchmarks() {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput],
    warmupIterations: 10,
    scalingFactor: .one,
    maxDuration: .seconds(3),
    maxIterations: 3000
  )
  configuration.timeUnits = .microseconds
  let cases: [(String, Int, @Sendable () -> TrainStepCase)] = [
    ("mlp", 64, { mlp64 }), ("mlp", 256, { mlp256 }), ("cnn", 64, { cnn64 }), ("cnn", 256, { cnn256 }),
  ]
  for (name, batchSize, trainCase) in cases {
    for threads in [1, 2] {
      let previous = BLAS.threadCount
      Benchmark("train.\(name).b\(batchSize).t\(threads)", configuration: configuration) { benchmark in
        let c = trainCase()
        for _ in benchmark.scaledIterations { c.step() }
      } setup: {
        BLAS.threadCount = threads
        _ = trainCase()
      } teardown: {
        BLAS.threadCount = previous
      }
    }
  }
}
