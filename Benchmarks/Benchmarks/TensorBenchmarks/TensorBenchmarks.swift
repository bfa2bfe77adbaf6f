// Benchmarks of KindlingTensor: the workloads of the PyTorch baselines in ../shared/bench
// (op_overhead.py, elementwise_bw.py, gemm_peak.py), so that Benchmarks/peers/compare.py can print
// Kindling against PyTorch from one run. See README.md for the list.
//
//   overhead.<op>.<size>              per-op cost on tiny tensors (OpOverhead.swift)
//   elementwise.<op>.<size>.<form>    1M / 16M float32 add, mul, relu, exp (Elementwise.swift)
//   matmul.<n>.t<threads>             a.matmul(b) on square float32 matrices (Matmul.swift)
//   cblas_sgemm.<n>.t<threads>        OpenBLAS called directly on the same buffers: matmul's floor
//
// Names have no spaces or slashes (package-benchmark would never find their threshold files).
// `mallocCountTotal` is the deterministic metric, checked against Thresholds/ by `make bench-check`;
// times are only reported.

import Benchmark
import KindlingTensor

let benchmarks: @Sendable () -> Void = {
  registerOpOverhead()
  registerElementwise()
  registerMatmul()
}

/// The metrics every Tensor benchmark records.
var tensorMetrics: [BenchmarkMetric] { [.wallClock, .throughput, .mallocCountTotal] }

/// Allocation counts are exact: no tolerance, so any change (worse or better) is reported.
var exactAllocations: [BenchmarkMetric: BenchmarkThresholds] { [.mallocCountTotal: .strict] }

/// Reproducible inputs: `torch.manual_seed(0)`'s stream, as the PyTorch scripts use.
func seededRandn(_ shape: [Int], seed: UInt64 = 0) -> Tensor {
  Tensor.randn(shape, generator: Generator(seed: seed))
}
