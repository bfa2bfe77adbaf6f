// Benchmarks of KindlingData on the real Fashion-MNIST (Debian's dataset-fashion-mnist in
// /usr/share/datasets/fashion-mnist); every benchmark is skipped when it is not installed.
//
//   fashion-mnist.load.70k            read and validate all four files (60k + 10k images), gzip
//   fashion-mnist.epoch.b64.workers0  one shuffled epoch, batch 64, of the training images
//                                     converted to float32 [60000, 1, 28, 28] in [0, 1] once
//                                     (the in-memory tensors of ../shared/bench/mlp_train.py) in a
//                                     TensorDataset: each batch is one row gather per tensor
//                                     (BatchFetching), fetched on the calling thread
//   fashion-mnist.epoch.b64.workers2  the same with 2 worker threads (prefetch 2)
//   fashion-mnist.epoch.b64.transform.workers<w>  the uint8 images ToFloat'ed per sample and
//                                     collated sample by sample (a per-sample transform pipeline)
//
// Throughput is epochs per second; batches per second is that × 938. No malloc thresholds: with
// worker threads the allocation counts vary from run to run.

import Benchmark
import Foundation
import KindlingData
import KindlingTensor

let benchmarks: @Sendable () -> Void = {
  guard FileManager.default.fileExists(atPath: FashionMNIST.defaultRoot) else { return }
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    maxDuration: .seconds(5),
    maxIterations: 10
  )
  configuration.timeUnits = .milliseconds

  Benchmark("fashion-mnist.load.70k", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try FashionMNIST(train: true))
      blackHole(try FashionMNIST(train: false))
    }
  }

  let train = try! FashionMNIST()
  let (images, labels) = train.tensors
  let tensors = TensorDataset(images.to(.float32).div(255).unsqueeze(1), labels)
  let toFloat = ToFloat()
  let transformed = train.map { image, label in (toFloat(image), label) }
  for workers in [0, 2] {
    Benchmark("fashion-mnist.epoch.b64.workers\(workers)", configuration: configuration) { benchmark in
      let loader = DataLoader(tensors, batchSize: 64, shuffle: true, workers: workers, generator: Generator(seed: 0))
      for _ in benchmark.scaledIterations {
        try loader.forEach { batch in blackHole(batch) }
      }
    }
    Benchmark("fashion-mnist.epoch.b64.transform.workers\(workers)", configuration: configuration) { benchmark in
      let loader = DataLoader(transformed, batchSize: 64, shuffle: true, workers: workers, generator: Generator(seed: 0))
      for _ in benchmark.scaledIterations {
        try loader.forEach { images, labels in
          blackHole(images)
          blackHole(labels)
        }
      }
    }
  }
}
