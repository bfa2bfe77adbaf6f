// Whole training steps of the two networks of ../shared/bench (mlp_train.py, cnn_train.py),
// batch 64, float32, seed 0; the PyTorch side is Benchmarks/peers/train_step.py (same models, data,
// batch gather and optimizer), and Benchmarks/peers/compare.py prints the ratio of samples per second.
//
//   train.mlp.b64.t<n>  Flatten, Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10)
//   train.cnn.b64.t<n>  Conv2d(1, 32, 3), ReLU, MaxPool2d(2), Conv2d(32, 64, 3), ReLU,
//                       MaxPool2d(2), Flatten, Linear(1600, 128), ReLU, Linear(128, 10)
//
// One sample = one step: gather the next 64 rows of a preloaded data set (indexSelect of the
// images and labels by a slice of a fixed permutation, as the shared scripts' timed region
// gathers each epoch's shuffled batches), zeroGrad, forward, crossEntropy, backward,
// SGD(lr: 0.05, momentum: 0.9).step(). The data set is 60,000 random images in [0, 1)
// (Tensor.rand, [60000, 784], viewed as [60000, 1, 28, 28] for the CNN) with random int64
// labels: random labels cannot be memorized within a benchmark's few thousand steps, so the
// loss and the gradients stay ordinary numbers (a single fixed batch would be fitted to a loss
// near 0, and denormal gradients would slow both frameworks down for no real-world reason).
//
// t<n>: BLAS.threadCount = n (the GEMMs' threads, compared with torch.set_num_threads(n));
// Kindling's other kernels (elementwise, im2col, pooling, reductions) split across every core
// whatever n is. Samples per second = 64 / the time per step.

import Benchmark
import KindlingNN
import KindlingOptim

/// The shared scripts' batch size.
let trainBatchSize = 64

/// 60,000 random 28×28 "images" in [0, 1), random labels and one shuffled order (seed 0).
private final class TrainingSet: @unchecked Sendable {
  let images: Tensor  // float32 [60000, 784]
  let labels: Tensor  // int64 [60000]
  let order: Tensor  // int64 [60000], a permutation
  let batchCount: Int

  init() {
    let generator = Generator(seed: 0)
    images = Tensor.rand([60000, 784], generator: generator)
    labels = Tensor.randint(10, [60000], generator: generator)
    order = Tensor.randperm(60000, generator: generator)
    batchCount = 60000 / trainBatchSize
  }
}

private let trainingSet = TrainingSet()

/// A network, its optimizer and the position in the data set.
private final class TrainStepCase: @unchecked Sendable {
  let model: Sequential
  let optimizer: SGD
  let images: Tensor
  var batch = 0

  init(_ makeModel: () -> Sequential, imageShape: [Int]) {
    manualSeed(0)
    model = makeModel()
    optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
    images = trainingSet.images.reshape([60000] + imageShape)
  }

  /// One training step on the next batch of 64.
  func step() {
    let index = trainingSet.order.narrow(dim: 0, start: batch * trainBatchSize, length: trainBatchSize)
    batch = (batch + 1) % trainingSet.batchCount
    let x = images.indexSelect(dim: 0, index: index)
    let y = trainingSet.labels.indexSelect(dim: 0, index: index)
    optimizer.zeroGrad()
    let loss = crossEntropy(model(x), y)
    loss.backward()
    optimizer.step()
  }
}

private let mlp = TrainStepCase(
  { Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10)) },
  imageShape: [784])

private let cnn = TrainStepCase(
  {
    Sequential(
      Conv2d(1, 32, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
      Conv2d(32, 64, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
      Flatten(), Linear(1600, 128), ReLU(), Linear(128, 10))
  }, imageShape: [1, 28, 28])

/// Registers `train.mlp.b64.t1`, `.t2`, `train.cnn.b64.t1`, `.t2`.
func trainStepBenchmarks() {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput],
    warmupIterations: 10,
    scalingFactor: .one,
    maxDuration: .seconds(3),
    maxIterations: 3000
  )
  configuration.timeUnits = .microseconds
  let cases: [(String, @Sendable () -> TrainStepCase)] = [("mlp", { mlp }), ("cnn", { cnn })]
  for (name, trainCase) in cases {
    for threads in [1, 2] {
      let previous = BLAS.threadCount
      Benchmark("train.\(name).b\(trainBatchSize).t\(threads)", configuration: configuration) { benchmark in
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
