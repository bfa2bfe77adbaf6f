// Benchmarks of KindlingAutograd: the cost of recording a graph and running it backwards on tiny
// tensors, where the arithmetic is negligible. The autograd case of ../shared/bench/op_overhead.py:
//
//   overhead.fwdbwd.10          y = (x * x).sum(); y.backward(); x.grad = nil, x of 10 elements
//   overhead.forward-graph.10   the same forward, recording the graph (no backward)
//   overhead.forward-nograd.10  the same forward under noGrad: forward-graph minus this is the
//                               cost of recording two ops
//
// 1000 inner iterations per sample; times are per step (the `*` columns).

import Benchmark
import KindlingAutograd

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

  let x = Tensor.randn([10], generator: Generator(seed: 0), requiresGrad: true)
  Benchmark("overhead.fwdbwd.10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      let y = (x * x).sum()
      y.backward()
      x.grad = nil
    }
  }
  Benchmark("overhead.forward-graph.10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole((x * x).sum()) }
  }
  Benchmark("overhead.forward-nograd.10", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(noGrad { (x * x).sum() }) }
  }
}
