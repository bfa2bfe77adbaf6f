import Foundation
import Testing

@testable import KindlingGPU

/// A runtime the generic tests run on.
enum RuntimeKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
  case openCL
  case cuda

  /// The runtimes this machine has: OpenCL when it works or `KINDLING_REQUIRE_OPENCL` is set (as
  /// `make test` sets it after installing POCL, so that a broken install fails instead of
  /// skipping), CUDA when a GPU is visible.
  static let available: [RuntimeKind] = {
    var kinds: [RuntimeKind] = []
    if (try? OpenCLRuntime.make()) != nil || ProcessInfo.processInfo.environment["KINDLING_REQUIRE_OPENCL"] != nil {
      kinds.append(.openCL)
    }
    if CUDA.isAvailable { kinds.append(.cuda) }
    return kinds
  }()

  /// The shared runtime of this kind.
  func runtime() throws -> any KernelRuntime {
    switch self {
    case .openCL: try OpenCLRuntime.make()
    case .cuda: try CUDARuntimeTests.shared.get()
    }
  }

  var testDescription: String { rawValue }
}

@Suite("Kernel runtimes (OpenCL on POCL here; CUDA where a GPU is)")
struct KernelRuntimeTests {

  /// Allocates a buffer holding `values`.
  func upload<T>(_ runtime: any KernelRuntime, _ values: [T]) throws -> UnsafeMutableRawPointer {
    let buffer = try runtime.allocate(byteCount: max(1, values.count * MemoryLayout<T>.stride))
    try values.withUnsafeBytes {
      try runtime.copyToDevice(from: $0.baseAddress!, to: buffer, offset: 0, byteCount: $0.count)
    }
    return buffer
  }

  /// The first `count` elements of `buffer`.
  func download<T: Numeric>(
    _ runtime: any KernelRuntime, _ buffer: UnsafeMutableRawPointer, count: Int, as type: T.Type
  ) throws -> [T] {
    var values = [T](repeating: 0, count: count)
    try values.withUnsafeMutableBytes {
      try runtime.copyToHost(from: buffer, offset: 0, to: $0.baseAddress!, byteCount: $0.count)
    }
    return values
  }

  @Test("the runtime names its device and reports memory", arguments: RuntimeKind.available)
  func identity(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    #expect(runtime.name.hasPrefix(kind == .openCL ? "OpenCL (" : "CUDA ("))
    #expect(runtime.dialect == (kind == .openCL ? .openCL : .cuda))
    #expect((runtime.blas == nil) == (kind == .openCL))
    let (free, total) = try runtime.memoryInfo()
    #expect(total > 0 && free <= total)
  }

  @Test("axpy with element offsets matches Swift", arguments: RuntimeKind.available)
  func axpy(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    let n = 1000
    let x = (0..<(n + 3)).map { Float($0) * 0.25 - 7 }
    let y = (0..<(n + 5)).map { Float($0).squareRoot() }
    let a: Float = 1.5
    let xBuffer = try upload(runtime, x)
    let yBuffer = try upload(runtime, y)
    defer { runtime.free(xBuffer); runtime.free(yBuffer) }
    let kernel = try #require(try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"])
    #expect(kernel.name == "axpy")
    try runtime.launch(
      kernel, blocks: (n + 127) / 128, threadsPerBlock: 128,
      arguments: [.buffer(yBuffer), .int64(5), .buffer(xBuffer), .int64(3), .float32(a), .int64(Int64(n))])
    let result = try download(runtime, yBuffer, count: n + 5, as: Float.self)
    #expect(result[..<5] == y[..<5])
    for i in 0..<n {
      let expected = y[5 + i] + a * x[3 + i]
      #expect(abs(result[5 + i] - expected) <= 1e-6 * max(1, abs(expected)), "element \(i)")
    }
  }

  @Test("a block sum in shared memory with barriers matches Swift", arguments: RuntimeKind.available)
  func blockSum(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    let n = 1000
    let threads = 256
    let blocks = (n + threads - 1) / threads
    let x = (0..<n).map { Float($0 % 17) - 8 }  // small integers: every order of summation is exact
    let xBuffer = try upload(runtime, x)
    let out = try runtime.allocate(byteCount: blocks * 4)
    defer { runtime.free(xBuffer); runtime.free(out) }
    let kernel = try #require(try runtime.compile(TestKernels.blockSum, kernels: ["block_sum"])["block_sum"])
    try runtime.launch(
      kernel, blocks: blocks, threadsPerBlock: threads, arguments: [.buffer(out), .buffer(xBuffer), .int64(Int64(n))])
    let expected = (0..<blocks).map { b in x[(b * threads)..<min(n, (b + 1) * threads)].reduce(0, +) }
    #expect(try download(runtime, out, count: blocks, as: Float.self) == expected)
  }

  @Test("a struct argument passed as bytes, on double data", arguments: RuntimeKind.available)
  func structArgument(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    let x = (0..<64).map { Double($0) / 3 }
    let (n, offset, stride) = (10, 4, 5)
    let a = 0.1
    let xBuffer = try upload(runtime, x)
    let yBuffer = try runtime.allocate(byteCount: n * 8)
    defer { runtime.free(xBuffer); runtime.free(yBuffer) }
    let kernel = try #require(try runtime.compile(TestKernels.gatherScale, kernels: ["gather_scale"])["gather_scale"])
    try runtime.launch(
      kernel, blocks: 1, threadsPerBlock: 32,
      arguments: [
        .buffer(yBuffer), .buffer(xBuffer),
        .bytes(TestKernels.geometry(n: Int64(n), offset: Int64(offset), stride: Int64(stride))), .float64(a),
      ])
    #expect(try download(runtime, yBuffer, count: n, as: Double.self) == (0..<n).map { a * x[offset + $0 * stride] })
  }

  @Test("a source that does not compile throws .compilation with the build log", arguments: RuntimeKind.available)
  func compilationError(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    do {
      _ = try runtime.compile(TestKernels.broken, kernels: ["broken"])
      Issue.record("expected a compilation error")
    } catch {
      guard case .compilation(let name, let log) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == (kind == .openCL ? "OpenCL" : "NVRTC"))
      #expect(log.contains("undeclared_thing"))
      #expect(error.description.hasPrefix("\(name) could not compile a Kindling kernel:"))
    }
  }

  @Test("compiled programs are cached by source; an unknown kernel name is an error", arguments: RuntimeKind.available)
  func programCache(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    let first = try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"]
    let second = try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"]
    #expect(first === second)
    #expect(throws: GPUError.self) { try runtime.compile(TestKernels.axpy, kernels: ["nope"]) }
  }

  @Test("copies to, from and between buffers honour byte offsets", arguments: RuntimeKind.available)
  func copiesWithOffsets(kind: RuntimeKind) throws {
    let runtime = try kind.runtime()
    let values = (0..<32).map { Int32($0 * 3 + 1) }
    let a = try runtime.allocate(byteCount: 128)
    let b = try runtime.allocate(byteCount: 128)
    defer { runtime.free(a); runtime.free(b) }
    let zeros = [Int32](repeating: 0, count: 32)
    try zeros.withUnsafeBytes {
      try runtime.copyToDevice(from: $0.baseAddress!, to: a, offset: 0, byteCount: 128)
      try runtime.copyToDevice(from: $0.baseAddress!, to: b, offset: 0, byteCount: 128)
    }
    // a[4..<12] = values[0..<8]
    try values.withUnsafeBytes { try runtime.copyToDevice(from: $0.baseAddress!, to: a, offset: 16, byteCount: 32) }
    // b[20..<26] = a[6..<12] = values[2..<8]
    try runtime.copy(from: a, offset: 24, to: b, offset: 80, byteCount: 24)
    var part = [Int32](repeating: -1, count: 3)
    // part = b[21..<24] = values[3..<6]
    try part.withUnsafeMutableBytes { try runtime.copyToHost(from: b, offset: 84, to: $0.baseAddress!, byteCount: 12) }
    #expect(part == Array(values[3..<6]))
    var expectedA = zeros
    expectedA.replaceSubrange(4..<12, with: values[0..<8])
    var expectedB = zeros
    expectedB.replaceSubrange(20..<26, with: values[2..<8])
    #expect(try download(runtime, a, count: 32, as: Int32.self) == expectedA)
    #expect(try download(runtime, b, count: 32, as: Int32.self) == expectedB)
  }
}
