// swift-tools-version: 6.1
//
// Kindling's benchmarks: a package of its own, so that the root package does not depend on
// package-benchmark (and its malloc interposer). It depends on the root package by path.
//
// One executable benchmark target per Kindling module, its sources in
// `Benchmarks/<Name>/<Name>.swift`; the `benchmark` command plugin finds every executable
// target that uses `BenchmarkPlugin`. Run with `swift package benchmark` (see README.md).
import PackageDescription

let package = Package(
  name: "KindlingBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    // The `MallocInterposer` trait provides the malloc counters (mallocCountTotal & co.).
    .package(
      url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0",
      traits: ["MallocInterposer"]),
    .package(name: "Kindling", path: ".."),
  ],
  targets: [
    // OpenBLAS's CBLAS interface, for baselines that call `cblas_sgemm` directly (the root
    // package's CKindlingBLAS shim is not a product).
    .systemLibrary(
      name: "CBenchmarkBLAS", path: "Sources/CBenchmarkBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])])
  ]
)

/// A benchmark executable for one Kindling module: sources in `Benchmarks/<name>/`.
func benchmarkTarget(_ name: String, dependencies: [Target.Dependency]) -> Target {
  .executableTarget(
    name: name,
    dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
    path: "Benchmarks/\(name)",
    plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
  )
}

// KindlingStorage: the caching CPU allocator vs malloc, Storage creation, Shape helpers.
package.targets.append(
  benchmarkTarget("StorageBenchmarks", dependencies: [.product(name: "KindlingStorage", package: "Kindling")]))

// KindlingTensor: per-op overhead on tiny tensors, elementwise bandwidth, matrix products
// against cblas_sgemm. The same workloads as ../shared/bench (Benchmarks/peers/compare.py).
package.targets.append(
  benchmarkTarget(
    "TensorBenchmarks", dependencies: [.product(name: "KindlingTensor", package: "Kindling"), "CBenchmarkBLAS"]))

// KindlingAutograd: recording a graph and running it backwards, on tiny tensors.
package.targets.append(
  benchmarkTarget("AutogradBenchmarks", dependencies: [.product(name: "KindlingAutograd", package: "Kindling")]))

// KindlingNN: single layers (Conv2d, Linear) forward and forward+backward, the shapes of
// ../shared/bench/conv_fwd_bwd.py; whole training steps (with KindlingOptim's SGD) of the MLP and
// CNN of ../shared/bench/mlp_train.py and cnn_train.py.
package.targets.append(
  benchmarkTarget(
    "NNBenchmarks",
    dependencies: [
      .product(name: "KindlingNN", package: "Kindling"), .product(name: "KindlingOptim", package: "Kindling"),
    ]))

// KindlingData: loading Fashion-MNIST and shuffled epochs through a DataLoader (0 and 2 workers).
package.targets.append(
  benchmarkTarget("DataBenchmarks", dependencies: [.product(name: "KindlingData", package: "Kindling")]))

// KindlingNN's losses: cross-entropy (fused and composed) and MSE, forward + backward on the MLP
// step's [64, 10].
package.targets.append(
  benchmarkTarget("NNLossBenchmarks", dependencies: [.product(name: "KindlingNN", package: "Kindling")]))

// KindlingOptim: one optimizer step (SGD with momentum, Adam, AdamW) over an MLP's parameters.
package.targets.append(
  benchmarkTarget(
    "OptimBenchmarks",
    dependencies: [
      .product(name: "KindlingOptim", package: "Kindling"), .product(name: "KindlingTensor", package: "Kindling"),
    ]))

// KindlingLinalg: LAPACK-backed torch.linalg functions (solve, cholesky) on float32 matrices,
// n = 64, 256, 1024; the PyTorch side is Benchmarks/peers/linalg.py.
package.targets.append(
  benchmarkTarget(
    "LinalgBenchmarks",
    dependencies: [
      .product(name: "KindlingLinalg", package: "Kindling"), .product(name: "KindlingTensor", package: "Kindling"),
    ]))

// Not a benchmark: a plain executable that creates the MLP of ../shared/bench and runs one
// training step, for compare.py's "time to first training step from process start" row (it
// times the release binary from outside). No Benchmark dependency, so no malloc interposer.
package.targets.append(
  .executableTarget(
    name: "FirstTrainingStep",
    dependencies: [
      .product(name: "KindlingNN", package: "Kindling"), .product(name: "KindlingOptim", package: "Kindling"),
    ],
    path: "Sources/FirstTrainingStep"))

// Not a benchmark either: one eager op on 1-element tensors timed in a plain loop, without the
// malloc interposer that package-benchmark links into every benchmark target (it wraps each of an
// op's allocations and frees), for compare.py's overhead-loop.* rows.
package.targets.append(
  .executableTarget(
    name: "OpOverheadLoop",
    dependencies: [.product(name: "KindlingTensor", package: "Kindling")],
    path: "Sources/OpOverheadLoop"))

// KindlingGPU: cuBLAS products, elementwise bandwidth and the CNN's training step on `.cuda`;
// registers nothing where `CUDA.isAvailable` is false.
package.targets.append(
  benchmarkTarget(
    "GPUBenchmarks",
    dependencies: [
      .product(name: "KindlingGPU", package: "Kindling"), .product(name: "KindlingNN", package: "Kindling"),
      .product(name: "KindlingOptim", package: "Kindling"),
    ]))
