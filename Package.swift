// swift-tools-version: 6.1
//
// Kindling: a PyTorch-style deep-learning framework for Swift on Linux.
//
// Every public module is its own library product, so a package can depend on one layer alone
// (for example only `KindlingTensor`). Dependencies point one way:
//
//   KindlingStorage → KindlingTensor → KindlingAutograd → KindlingNN, KindlingOptim
//                                    ↘ KindlingData
//   KindlingLinalg and KindlingGPU plug into KindlingTensor (+ KindlingAutograd);
//   KindlingTensor never depends on them.
//
// C libraries sit behind private shim targets (`CKindling…`) that are not products.
import PackageDescription

/// Sources of module `name` live in `Packages/<name>`.
func module(_ name: String) -> String { "Packages/\(name)" }

let package = Package(
  name: "Kindling",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "KindlingStorage", targets: ["KindlingStorage"]),
    .library(name: "KindlingTensor", targets: ["KindlingTensor"]),
    .library(name: "KindlingAutograd", targets: ["KindlingAutograd"]),
    .library(name: "KindlingNN", targets: ["KindlingNN"]),
    .library(name: "KindlingOptim", targets: ["KindlingOptim"]),
    .library(name: "KindlingData", targets: ["KindlingData"]),
    .library(name: "KindlingLinalg", targets: ["KindlingLinalg"]),
    .library(name: "KindlingGPU", targets: ["KindlingGPU"]),
    .library(name: "Kindling", targets: ["Kindling"]),
    .executable(name: "kindling", targets: ["kindling"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics.git", from: "1.0.0"),
  ],
  targets: [
    // MARK: - Private C shims (not products)
    .systemLibrary(
      name: "CKindlingBLAS", path: module("CKindlingBLAS"), pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CKindlingLAPACK", path: module("CKindlingLAPACK"), pkgConfig: "lapacke",
      providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(
      name: "CKindlingZlib", path: module("CKindlingZlib"), providers: [.apt(["zlib1g-dev"])]),
    .target(name: "CKindlingVector", path: module("CKindlingVector")),
    .target(name: "CKindlingOpenBLASCore", dependencies: ["CKindlingBLAS"], path: module("CKindlingOpenBLASCore")),
    .target(
      name: "CKindlingLinalgKernels", dependencies: ["CKindlingBLAS", "CKindlingLAPACK"],
      path: module("CKindlingLinalgKernels")),
    .target(
      name: "CKindlingCUDA", path: module("CKindlingCUDA"),
      linkerSettings: [.linkedLibrary("dl")]),
    .target(
      name: "CKindlingOpenCL", path: module("CKindlingOpenCL"),
      linkerSettings: [.linkedLibrary("dl")]),

    // MARK: - The layers
    .target(name: "KindlingStorage", path: module("KindlingStorage")),
    .target(
      name: "KindlingTensor",
      dependencies: [
        "KindlingStorage", "CKindlingBLAS", "CKindlingOpenBLASCore", "CKindlingVector",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: module("KindlingTensor")),
    .target(
      name: "KindlingAutograd", dependencies: ["KindlingTensor"],
      path: module("KindlingAutograd")),
    .target(
      name: "KindlingNN", dependencies: ["KindlingTensor", "KindlingAutograd", "CKindlingBLAS", "CKindlingVector"],
      path: module("KindlingNN")),
    .target(
      name: "KindlingOptim", dependencies: ["KindlingTensor", "KindlingAutograd", "CKindlingVector"],
      path: module("KindlingOptim")),
    .target(
      name: "KindlingData", dependencies: ["KindlingTensor", "CKindlingZlib"],
      path: module("KindlingData")),
    .target(
      name: "KindlingLinalg",
      dependencies: ["KindlingTensor", "KindlingAutograd", "CKindlingLAPACK", "CKindlingLinalgKernels"],
      path: module("KindlingLinalg")),
    .target(
      name: "KindlingGPU", dependencies: ["KindlingTensor", "KindlingAutograd", "CKindlingCUDA", "CKindlingOpenCL"],
      path: module("KindlingGPU")),
    .target(
      name: "Kindling",
      dependencies: [
        "KindlingStorage", "KindlingTensor", "KindlingAutograd", "KindlingNN", "KindlingOptim",
        "KindlingData", "KindlingLinalg", "KindlingGPU",
      ],
      path: module("Kindling")),

    // MARK: - The `kindling` command line
    .target(
      name: "KindlingCLI",
      dependencies: ["Kindling", "CKindlingZlib", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      path: "Tools/KindlingCLI"),
    .executableTarget(name: "kindling", dependencies: ["KindlingCLI"], path: "Tools/kindling"),

    // MARK: - Tests (Swift Testing), one target per module
    .testTarget(name: "KindlingStorageTests", dependencies: ["KindlingStorage"], exclude: ["Fixtures"]),
    .target(
      name: "KindlingTestSupport", dependencies: ["KindlingTensor"], path: "Tests/KindlingTestSupport"),
    .testTarget(
      name: "KindlingTensorTests", dependencies: ["KindlingTensor", "KindlingTestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "KindlingAutogradTests", dependencies: ["KindlingAutograd", "KindlingTestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "KindlingNNTests", dependencies: ["KindlingNN", "KindlingTestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "KindlingOptimTests", dependencies: ["KindlingOptim", "KindlingNN", "KindlingTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KindlingDataTests", dependencies: ["KindlingData", "KindlingTestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "KindlingLinalgTests",
      dependencies: ["KindlingLinalg", "KindlingAutograd", "CKindlingLinalgKernels", "KindlingTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KindlingGPUTests", dependencies: ["KindlingGPU", "KindlingNN", "KindlingOptim", "KindlingTestSupport"]),
    .testTarget(name: "KindlingTests", dependencies: ["Kindling", "KindlingTestSupport"]),
    .testTarget(name: "KindlingCLITests", dependencies: ["KindlingCLI", "KindlingTestSupport"]),
  ]
)
