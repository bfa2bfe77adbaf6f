// Elementwise throughput on float32, the cases of ../shared/bench/elementwise_bw.py: add and mul
// (2 reads + 1 write, 12 B per element), relu and exp (1 read + 1 write, 8 B per element) on
// 1M elements (4 MiB per tensor: cache-resident in a 32 MiB L3) and 16M (64 MiB: DRAM-bound).
//
//   elementwise.<op>.<size>.alloc    a.add(b), a.mul(b), a.relu(), aSmall.exp(): allocating the
//                                    result, what eager code normally pays. Each sample runs the
//                                    op once untimed, then times the next call: the timed call
//                                    follows another op at once, as each of PyTorch's calls in
//                                    elementwise_bw.py's time_fn does (back to back). Timed alone
//                                    after package-benchmark's work between samples, relu on 1M
//                                    took 93–107 µs against 62–71 µs on a 2-core Zen 3 (its
//                                    inputs and the result's block out of the caches, an idle
//                                    core), and PyTorch's side is never measured that way.
//   elementwise.<op>.<size>.inplace  c.add_(b), c.mul_(b), c.relu_(), c.exp_(): Kindling has no
//                                    `out:` overloads, so the preallocated-output case is measured
//                                    in place. `c` is reset from `a` (aSmall for exp) before each
//                                    sample, outside the measurement, so the values stay those of
//                                    the out= case (no overflow, no denormals). Bytes per element
//                                    are the same as out=; in place writes back to a line it just
//                                    read, so at DRAM sizes it saves out='s write-allocate read.
//
// `aSmall = a * 0.01` keeps exp finite, as in the PyTorch script. Kindling splits loops above
// 32768 elements across every core (2 here): compare with torch.set_num_threads(2).
// One op per sample.
//
// The allocating forms' malloc counts vary by one from run to run at 16M (seen: mul, exp and relu
// at 16M deviating ±1 from a fresh threshold), so their threshold allows ±2 at p90 instead of
// `.strict`; the in-place forms' counts are exact.

import Benchmark
import KindlingTensor

/// An input size: the element count and its label in benchmark names.
private struct Size: Sendable {
  let count: Int
  let label: String
}

private let sizes = [Size(count: 1 << 20, label: "1M"), Size(count: 16 << 20, label: "16M")]

/// The inputs of one size, made on first use (16M normal samples take a while).
private final class Inputs: @unchecked Sendable {
  let a: Tensor
  let b: Tensor
  let aSmall: Tensor
  /// The in-place operand, reset from `a` or `aSmall` before each sample.
  let c: Tensor

  init(count: Int) {
    a = seededRandn([count], seed: 0)
    b = seededRandn([count], seed: 1)
    aSmall = a.mul(Tensor(0.01))
    c = Tensor.empty([count])
  }
}

private let inputs1M = Inputs(count: 1 << 20)
private let inputs16M = Inputs(count: 16 << 20)

private func inputs(_ size: Size) -> Inputs { size.count == 1 << 20 ? inputs1M : inputs16M }

/// One elementwise op in both forms.
private struct ElementwiseCase: Sendable {
  let name: String
  /// The allocating form on the inputs.
  let allocating: @Sendable (Inputs) -> Tensor
  /// The in-place form on `inputs.c`.
  let inPlace: @Sendable (Inputs) -> Tensor
  /// `c` starts as `aSmall` rather than `a`.
  let usesSmallInput: Bool
}

private let cases = [
  ElementwiseCase(name: "add", allocating: { $0.a.add($0.b) }, inPlace: { $0.c.add_($0.b) }, usesSmallInput: false),
  ElementwiseCase(name: "mul", allocating: { $0.a.mul($0.b) }, inPlace: { $0.c.mul_($0.b) }, usesSmallInput: false),
  ElementwiseCase(name: "relu", allocating: { $0.a.relu() }, inPlace: { $0.c.relu_() }, usesSmallInput: false),
  ElementwiseCase(name: "exp", allocating: { $0.aSmall.exp() }, inPlace: { $0.c.exp_() }, usesSmallInput: true),
]

func registerElementwise() {
  var configuration = Benchmark.Configuration(
    metrics: tensorMetrics,
    warmupIterations: 3,
    scalingFactor: .one,
    maxDuration: .seconds(1),
    maxIterations: 300,
    thresholds: exactAllocations
  )
  configuration.timeUnits = .microseconds
  var allocating = configuration
  allocating.thresholds = [.mallocCountTotal: BenchmarkThresholds(absolute: [.p90: 2])]

  for size in sizes {
    for op in cases {
      Benchmark("elementwise.\(op.name).\(size.label).alloc", configuration: allocating) { benchmark in
        let inputs = inputs(size)
        for _ in benchmark.scaledIterations {
          blackHole(op.allocating(inputs))
          benchmark.startMeasurement()
          blackHole(op.allocating(inputs))
          benchmark.stopMeasurement()
        }
      } setup: {
        _ = inputs(size)
      }

      Benchmark("elementwise.\(op.name).\(size.label).inplace", configuration: configuration) { benchmark in
        let inputs = inputs(size)
        for _ in benchmark.scaledIterations {
          inputs.c.copy_(op.usesSmallInput ? inputs.aSmall : inputs.a)
          benchmark.startMeasurement()
          blackHole(op.inPlace(inputs))
          benchmark.stopMeasurement()
        }
      } setup: {
        _ = inputs(size)
      }
    }
  }
}
