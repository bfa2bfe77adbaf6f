// Benchmarks of KindlingLinalg: LAPACK-backed torch.linalg functions on float32 matrices, the
// same workloads as Benchmarks/peers/linalg.py in PyTorch (Benchmarks/peers/compare.py puts both side by side).
//
//   linalg.solve.<n>      Linalg.solve(A, b): A = randn(n, n) + n·I (well-conditioned, seed 0),
//                         b = randn(n) (seed 1), one right-hand side vector: getrf + getrs
//   linalg.cholesky.<n>   Linalg.cholesky(S): S = M Mᵀ / n + I (symmetric positive-definite,
//                         M = randn(n, n), seed 2): potrf
//   linalg.svd.<n>        Linalg.svd(A, fullMatrices: false): A = randn(n, n) (seed 3): gesdd
//   linalg.eigh.<n>       Linalg.eigh(S): S = M + Mᵀ (symmetric, M = randn(n, n), seed 4): syevd
//
// n = 64, 256, 1024. One call per sample, no gradient recorded; inputs are made once, outside
// the measurement. LAPACK runs on one OpenBLAS thread below n = 512 and on BLAS.threadCount
// threads (every core by default) from 512 up (Linalg.lapackDispatch); compare.py shows PyTorch
// at 1 and 2 threads beside it.
//
// Names are `linalg.<function>.<n>`: further functions add rows of the same form,
// a `register…` call each in `benchmarks` below and a workload in Benchmarks/peers/linalg.py.

import Benchmark
import KindlingLinalg
import KindlingTensor

let linalgSizes = [64, 256, 1024]

let benchmarks: @Sendable () -> Void = {
  registerLinalg("solve") { n in
    let a = Tensor.randn([n, n], generator: Generator(seed: 0)) + Tensor.eye(n) * Double(n)
    let b = Tensor.randn([n], generator: Generator(seed: 1))
    return { try! Linalg.solve(a, b) }
  }
  registerLinalg("cholesky") { n in
    let m = Tensor.randn([n, n], generator: Generator(seed: 2))
    let s = m.matmul(m.mT) / Double(n) + Tensor.eye(n)
    return { try! Linalg.cholesky(s) }
  }
  registerLinalg("svd") { n in
    let a = Tensor.randn([n, n], generator: Generator(seed: 3))
    return { try! Linalg.svd(a, fullMatrices: false).S }
  }
  registerLinalg("eigh") { n in
    let m = Tensor.randn([n, n], generator: Generator(seed: 4))
    let s = m + m.mT
    return { try! Linalg.eigh(s).eigenvalues }
  }
}

/// Registers `linalg.<name>.<n>` for every size: `setUp(n)` makes the inputs (outside the
/// measurement) and returns the call to time.
func registerLinalg(_ name: String, setUp: @escaping @Sendable (Int) -> @Sendable () -> Tensor) {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 2,
    scalingFactor: .one,
    maxDuration: .seconds(1),
    maxIterations: 5000,
    thresholds: [.mallocCountTotal: .strict]
  )
  configuration.timeUnits = .microseconds
  for n in linalgSizes {
    let call = LinalgCall(setUp, n)
    Benchmark("linalg.\(name).\(n)", configuration: configuration) { benchmark in
      let run = call.run
      for _ in benchmark.scaledIterations { blackHole(run()) }
    }
  }
}

/// The timed call of one benchmark, made on first use (only the benchmarks that run pay for
/// their inputs).
final class LinalgCall: @unchecked Sendable {
  private let setUp: @Sendable (Int) -> @Sendable () -> Tensor
  private let n: Int
  lazy var run: @Sendable () -> Tensor = setUp(n)

  init(_ setUp: @escaping @Sendable (Int) -> @Sendable () -> Tensor, _ n: Int) {
    self.setUp = setUp
    self.n = n
  }
}
