// OpOverheadLoop: the cost of one eager op on 1-element float32 tensors, timed in a plain loop.
//
// TensorBenchmarks' overhead.* rows time the same ops inside package-benchmark, whose malloc
// interposer wraps every malloc and free of the process (it counts them for the committed
// allocation thresholds): each op's two allocations (the result's Tensor and Storage objects)
// and their frees then cost more than in a user's program. This program links no Benchmark code,
// so it measures the op as a user's loop pays for it, the way op_overhead.py measures PyTorch's
// (a timed loop, no allocation counting). Benchmarks/peers/compare.py runs it for its
// overhead-loop.* rows.
//
// For each op: 100 warm-up ops, then `samples` samples of 1000 ops each; prints one line per op,
// `<name> <median ns per op> <min ns per op>`.
//
//   swift build -c release --product OpOverheadLoop
//   $(swift build -c release --show-bin-path)/OpOverheadLoop [samples]

import Dispatch
import KindlingTensor

let samples = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200
let generator = Generator(seed: 0)
let a = Tensor.randn([1], generator: generator)
let b = Tensor.randn([1], generator: generator)
let accumulator = Tensor.randn([1], generator: generator)

/// The median and the least nanoseconds per op of `body` over the samples.
@inline(never)
func measure(_ body: () -> Tensor) -> (median: Double, least: Double) {
  for _ in 0..<100 { _ = body() }
  var perOp: [Double] = []
  for _ in 0..<samples {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<1000 { _ = body() }
    perOp.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
  }
  perOp.sort()
  return (perOp[perOp.count / 2], perOp[0])
}

let ops: [(String, () -> Tensor)] = [
  ("overhead.add.1", { a.add(b) }),
  ("overhead.mul.1", { a.mul(b) }),
  ("overhead.relu.1", { a.relu() }),
  ("overhead.add_.1", { accumulator.add_(b) }),
]
for (name, body) in ops {
  let (median, least) = measure(body)
  print(name, median, least)
}
