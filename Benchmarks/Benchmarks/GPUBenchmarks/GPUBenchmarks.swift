// Benchmarks of KindlingGPU on `.cuda`, registered only when `CUDA.isAvailable` (on a machine
// without an NVIDIA driver and GPU this target registers nothing, so `make bench`, `make
// bench-check` and `compare.py` run the same everywhere):
//
//   gpu.matmul.<n>       a.mm(b) on n x n float32 matrices (cuBLAS), n = 1024, 4096
//   gpu.add.64M          a + b into a new tensor, 64M float32 elements (12 bytes moved each)
//   gpu.relu.64M         a.relu() into a new tensor (8 bytes each)
//   gpu.train.cnn.b256   one SGD-momentum step of ../shared/bench/cnn_train.py's CNN on a random
//                        batch of 256 (zero grads, forward, cross-entropy, backward, step)
//
// Each sample is one call followed by `CUDA.synchronize()`, so it times the GPU's work (and the
// host's queuing) to completion. The PyTorch side of the same workloads, with the ratios, is
// `Tools/gpu/device-check.sh` (`kindling gpu bench` beside `Benchmarks/peers/gpu_bench.py`).
// No allocation thresholds: they could not be generated on the machines CI runs on.

import Benchmark
import KindlingGPU
import KindlingNN
import KindlingOptim
import KindlingTensor

let benchmarks: @Sendable () -> Void = {
  guard CUDA.isAvailable else { return }
  registerGPU("gpu.matmul.1024") { try squareProduct(1024) }
  registerGPU("gpu.matmul.4096") { try squareProduct(4096) }
  registerGPU("gpu.add.64M") {
    let (a, b) = (try Tensor.randn([64 << 20]).to(.cuda), try Tensor.randn([64 << 20]).to(.cuda))
    return { _ = a + b }
  }
  registerGPU("gpu.relu.64M") {
    let a = try Tensor.randn([64 << 20]).to(.cuda)
    return { _ = a.relu() }
  }
  registerGPU("gpu.train.cnn.b256") {
    manualSeed(0)
    let model = Sequential(
      Conv2d(1, 32, kernelSize: [3]), ReLU(), MaxPool2d(kernelSize: [2]), Conv2d(32, 64, kernelSize: [3]), ReLU(),
      MaxPool2d(kernelSize: [2]), Flatten(), Linear(1600, 128), ReLU(), Linear(128, 10))
    try model.to(.cuda)
    let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
    let images = try Tensor.randn([256, 1, 28, 28]).to(.cuda)
    let labels = try Tensor.randint(0, 10, [256]).to(.cuda)
    return {
      optimizer.zeroGrad()
      crossEntropy(model(images), labels).backward()
      optimizer.step()
    }
  }
}

/// `a.mm(b)` on two `[n, n]` float32 matrices on the GPU.
func squareProduct(_ n: Int) throws -> () -> Void {
  let (a, b) = (try Tensor.randn([n, n]).to(.cuda), try Tensor.randn([n, n]).to(.cuda))
  return { _ = a.mm(b) }
}

/// Registers `name`: `setUp` makes the inputs on first use (outside the measurement) and
/// returns the call to time; every call is followed by a synchronization.
func registerGPU(_ name: String, setUp: @escaping @Sendable () throws -> () -> Void) {
  var configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput], warmupIterations: 3, scalingFactor: .one, maxDuration: .seconds(1),
    maxIterations: 10_000)
  configuration.timeUnits = .microseconds
  let call = GPUCall(setUp)
  Benchmark(name, configuration: configuration) { benchmark in
    let run = try call.run()
    for _ in benchmark.scaledIterations {
      run()
      try CUDA.synchronize()
    }
  }
}

/// The timed call of one benchmark, made on first use (only the benchmarks that run pay for
/// their inputs and model).
final class GPUCall: @unchecked Sendable {
  private let setUp: @Sendable () throws -> () -> Void
  private var made: (() -> Void)?

  init(_ setUp: @escaping @Sendable () throws -> () -> Void) { self.setUp = setUp }

  func run() throws -> () -> Void {
    if let made { return made }
    let call = try setUp()
    try CUDA.synchronize()
    made = call
    return call
  }
}
