// Matrix products on square float32 matrices, the sizes of ../shared/bench/gemm_peak.py:
//
//   matmul.<n>.t<threads>        a.matmul(b), allocating the result, with BLAS.threadCount = threads
//   cblas_sgemm.<n>.t<threads>   OpenBLAS's cblas_sgemm called directly on the buffers of three
//                                contiguous Kindling tensors (C = A·B, row-major, no transposes),
//                                on OpenBLAS's own thread pool set to `threads` threads for this
//                                benchmark (Kindling keeps OpenBLAS at one thread and splits
//                                products itself, BLAS.threadCount): the floor a Kindling matmul
//                                built on OpenBLAS can reach, and at t2 OpenBLAS's threading
//                                against Kindling's split.
//
// n = 64, 128, 256, 512, 1024, 2048; threads 1 and 2. One product per sample; throughput is
// products per second (GFLOP/s = 2·n³ · throughput / 1e9).

import Benchmark
import CBenchmarkBLAS
import KindlingTensor

let matmulSizes = [64, 128, 256, 512, 1024, 2048]
let matmulThreadCounts = [1, 2]

/// Square operands of one size, made on first use.
final class SquareOperands: @unchecked Sendable {
  let a: Tensor
  let b: Tensor
  let c: Tensor

  init(_ n: Int) {
    a = seededRandn([n, n], seed: 0)
    b = seededRandn([n, n], seed: 1)
    c = Tensor.zeros([n, n])
  }
}

/// Every size's operands, made together on first use (benchmarks run one after the other).
private let operandsBySize = Dictionary(uniqueKeysWithValues: matmulSizes.map { ($0, SquareOperands($0)) })

/// The operands for size `n` (one of ``matmulSizes``).
func squareOperands(_ n: Int) -> SquareOperands { operandsBySize[n]! }

/// `c = a · b` through `cblas_sgemm` on the tensors' own float32 buffers (contiguous, row-major).
@inline(__always)
func sgemm(_ a: Tensor, _ b: Tensor, into c: Tensor) {
  let m = Int32(a.shape[0])
  let k = Int32(a.shape[1])
  let n = Int32(b.shape[1])
  cblas_sgemm(
    CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1,
    a.storage.pointer(as: Float.self) + a.storageOffset, k,
    b.storage.pointer(as: Float.self) + b.storageOffset, n, 0,
    c.storage.pointer(as: Float.self) + c.storageOffset, n)
}

func registerMatmul() {
  var configuration = Benchmark.Configuration(
    metrics: tensorMetrics,
    warmupIterations: 2,
    scalingFactor: .one,
    maxDuration: .seconds(1),
    maxIterations: 20_000,
    thresholds: exactAllocations
  )
  configuration.timeUnits = .microseconds

  for n in matmulSizes {
    for threads in matmulThreadCounts {
      Benchmark("matmul.\(n).t\(threads)", configuration: configuration) { benchmark in
        let operands = squareOperands(n)
        for _ in benchmark.scaledIterations { blackHole(operands.a.matmul(operands.b)) }
      } setup: {
        BLAS.threadCount = threads
        _ = squareOperands(n)
      }

      Benchmark("cblas_sgemm.\(n).t\(threads)", configuration: configuration) { benchmark in
        let operands = squareOperands(n)
        for _ in benchmark.scaledIterations { sgemm(operands.a, operands.b, into: operands.c) }
        blackHole(operands.c)
      } setup: {
        BLAS.threadCount = threads  // first: Kindling sets OpenBLAS to one thread on first use
        openblas_set_num_threads(Int32(threads))
        _ = squareOperands(n)
      } teardown: {
        openblas_set_num_threads(1)  // back to what Kindling expects
      }
    }
  }
}
