// Benchmarks of KindlingNN's losses on the MLP training step's shapes, where per-op overhead
// dominates:
//
//   crossEntropy.fwdbwd.64x10           crossEntropy(logits, labels) + backward, float32 [64, 10]:
//                                       the fused kernel (one node, NllLossBackward0)
//   crossEntropy.composed.fwdbwd.64x10  the same loss as logSoftmax + nllLoss (two nodes, the path
//                                       of non-contiguous inputs; what the fused kernel replaces)
//   crossEntropy.forward-nograd.64x10   the fused forward alone, under noGrad
//   mseLoss.fwdbwd.64x10                mseLoss + backward, float32 [64, 10]
//
// PyTorch's counterpart: F.cross_entropy(x, y).backward() on the same shapes
// (../shared/bench/op_overhead.py style). 1000 inner iterations per sample; times are per step.

import Benchmark
import KindlingNN

let benchmarks: @Sendable () -> Void = {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    scalingFactor: .kilo,
    maxDuration: .seconds(1),
    maxIterations: 200,
    thresholds: [.mallocCountTotal: .strict]
  )
  configuration.timeUnits = .nanoseconds

  let generator = Generator(seed: 0)
  let logits = Tensor.randn([64, 10], generator: generator, requiresGrad: true)
  let labels = Tensor.randint(0, 10, [64], generator: generator)
  let target = Tensor.randn([64, 10], generator: generator)

  Benchmark("crossEntropy.fwdbwd.64x10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      crossEntropy(logits, labels).backward()
      logits.grad = nil
    }
  }
  Benchmark("crossEntropy.composed.fwdbwd.64x10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      nllLoss(logits.logSoftmax(dim: 1), labels).backward()
      logits.grad = nil
    }
  }
  Benchmark("crossEntropy.forward-nograd.64x10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(noGrad { crossEntropy(logits, labels) }) }
  }
  Benchmark("mseLoss.fwdbwd.64x10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      mseLoss(logits, target).backward()
      logits.grad = nil
    }
  }
}
