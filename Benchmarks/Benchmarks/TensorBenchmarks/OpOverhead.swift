// Per-op overhead: the fixed cost of one op on tiny tensors (validation, dtype dispatch, result
// allocation, the autograd funnel), where the arithmetic itself is a few nanoseconds. The cases of
// ../shared/bench/op_overhead.py:
//
//   overhead.add.1          a.add(b), two 1-element float32 tensors, allocating the result
//   overhead.mul.1          a.mul(b), 1 element
//   overhead.relu.1         a.relu(), 1 element
//   overhead.add_.1         a.add_(b) in place, 1 element
//   overhead.add.1000       a.add(b), 1000 elements
//   overhead.sum.1000       a.sum(), 1000 elements
//   overhead.mm.8x8         a.mm(b), two 8x8 matrices (op_overhead.py's mm_8x8)
//   overhead.cblas_sgemm.8x8  cblas_sgemm on the same 8x8 buffers into a third: the BLAS call
//                           alone, the floor under overhead.mm.8x8
//
// 1000 inner iterations per sample; times are per op (the `*` columns).

import Benchmark
import CBenchmarkBLAS
import KindlingTensor

func registerOpOverhead() {
  var configuration = Benchmark.Configuration(
    metrics: tensorMetrics,
    warmupIterations: 1,
    scalingFactor: .kilo,
    maxDuration: .seconds(1),
    maxIterations: 200,
    thresholds: exactAllocations
  )
  configuration.timeUnits = .nanoseconds

  let a1 = seededRandn([1], seed: 0)
  let b1 = seededRandn([1], seed: 1)
  let a1k = seededRandn([1000], seed: 2)
  let b1k = seededRandn([1000], seed: 3)

  Benchmark("overhead.add.1", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(a1.add(b1)) }
  }
  Benchmark("overhead.mul.1", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(a1.mul(b1)) }
  }
  Benchmark("overhead.relu.1", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(a1.relu()) }
  }
  let accumulator = seededRandn([1], seed: 4)
  Benchmark("overhead.add_.1", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(accumulator.add_(b1)) }
  }
  Benchmark("overhead.add.1000", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(a1k.add(b1k)) }
  }
  Benchmark("overhead.sum.1000", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(a1k.sum()) }
  }

  let m8a = seededRandn([8, 8], seed: 5)
  let m8b = seededRandn([8, 8], seed: 6)
  let m8c = Tensor.zeros([8, 8])
  Benchmark("overhead.mm.8x8", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(m8a.mm(m8b)) }
  } setup: {
    BLAS.threadCount = 1
  }
  Benchmark("overhead.cblas_sgemm.8x8", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations { sgemm(m8a, m8b, into: m8c) }
    blackHole(m8c)
  } setup: {
    BLAS.threadCount = 1
  }
}
