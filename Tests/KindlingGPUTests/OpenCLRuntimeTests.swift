import Foundation
import Testing

@testable import KindlingGPU

/// Whether the OpenCL tests run: when OpenCL works here, or when `KINDLING_REQUIRE_OPENCL` is set
/// (as `make test` sets it after installing POCL), so that a broken install fails instead of skipping.
private let openCLEnabled =
  (try? OpenCLRuntime.make()) != nil || ProcessInfo.processInfo.environment["KINDLING_REQUIRE_OPENCL"] != nil

@Suite(
  "OpenCL runtime", .enabled(if: openCLEnabled, "no OpenCL: apt-get install pocl-opencl-icd ocl-icd-libopencl1"))
struct OpenCLRuntimeTests {
  let runtime: OpenCLRuntime

  init() throws { runtime = try OpenCLRuntime.make() }

  /// Allocates a buffer holding `values`.
  func upload<T>(_ values: [T]) throws -> UnsafeMutableRawPointer {
    let buffer = try runtime.allocate(byteCount: max(1, values.count * MemoryLayout<T>.stride))
    try values.withUnsafeBytes { try runtime.copyToDevice(from: $0.baseAddress!, to: buffer, offset: 0, byteCount: $0.count) }
    return buffer
  }

  /// The first `count` elements of `buffer`.
  func download<T: Numeric>(_ buffer: UnsafeMutableRawPointer, count: Int, as type: T.Type) throws -> [T] {
    var values = [T](repeating: 0, count: count)
    try values.withUnsafeMutableBytes {
      try runtime.copyToHost(from: buffer, offset: 0, to: $0.baseAddress!, byteCount: $0.count)
    }
    return values
  }

  @Test("the runtime names its device and reports memory")
  func identity() throws {
    #expect(runtime.name.hasPrefix("OpenCL ("))
    #expect(runtime.dialect == .openCL)
    #expect(runtime.blas == nil)
    let (free, total) = try runtime.memoryInfo()
    #expect(total > 0 && free <= total)
  }

  @Test("axpy with element offsets matches Swift")
  func axpy() throws {
    let n = 1000
    let x = (0..<(n + 3)).map { Float($0) * 0.25 - 7 }
    let y = (0..<(n + 5)).map { Float($0).squareRoot() }
    let a: Float = 1.5
    let xBuffer = try upload(x)
    let yBuffer = try upload(y)
    defer { runtime.free(xBuffer); runtime.free(yBuffer) }
    let kernel = try #require(try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"])
    #expect(kernel.name == "axpy")
    try runtime.launch(
      kernel, blocks: (n + 127) / 128, threadsPerBlock: 128,
      arguments: [.buffer(yBuffer), .int64(5), .buffer(xBuffer), .int64(3), .float32(a), .int64(Int64(n))])
    let result = try download(yBuffer, count: n + 5, as: Float.self)
    #expect(result[..<5] == y[..<5])
    for i in 0..<n {
      let expected = y[5 + i] + a * x[3 + i]
      #expect(abs(result[5 + i] - expected) <= 1e-6 * max(1, abs(expected)), "element \(i)")
    }
  }

  @Test("a block sum in shared memory with barriers matches Swift")
  func blockSum() throws {
    let n = 1000
    let threads = 256
    let blocks = (n + threads - 1) / threads
    let x = (0..<n).map { Float($0 % 17) - 8 }  // small integers: every order of summation is exact
    let xBuffer = try upload(x)
    let out = try runtime.allocate(byteCount: blocks * 4)
    defer { runtime.free(xBuffer); runtime.free(out) }
    let kernel = try #require(try runtime.compile(TestKernels.blockSum, kernels: ["block_sum"])["block_sum"])
    try runtime.launch(
      kernel, blocks: blocks, threadsPerBlock: threads, arguments: [.buffer(out), .buffer(xBuffer), .int64(Int64(n))])
    let expected = (0..<blocks).map { b in x[(b * threads)..<min(n, (b + 1) * threads)].reduce(0, +) }
    #expect(try download(out, count: blocks, as: Float.self) == expected)
  }

  @Test("a struct argument passed as bytes, on double data")
  func structArgument() throws {
    let x = (0..<64).map { Double($0) / 3 }
    let (n, offset, stride) = (10, 4, 5)
    let a = 0.1
    let xBuffer = try upload(x)
    let yBuffer = try runtime.allocate(byteCount: n * 8)
    defer { runtime.free(xBuffer); runtime.free(yBuffer) }
    let kernel = try #require(try runtime.compile(TestKernels.gatherScale, kernels: ["gather_scale"])["gather_scale"])
    try runtime.launch(
      kernel, blocks: 1, threadsPerBlock: 32,
      arguments: [
        .buffer(yBuffer), .buffer(xBuffer),
        .bytes(TestKernels.geometry(n: Int64(n), offset: Int64(offset), stride: Int64(stride))), .float64(a),
      ])
    #expect(try download(yBuffer, count: n, as: Double.self) == (0..<n).map { a * x[offset + $0 * stride] })
  }

  @Test("a source that does not compile throws .compilation with the build log")
  func compilationError() {
    do {
      _ = try runtime.compile(TestKernels.broken, kernels: ["broken"])
      Issue.record("expected a compilation error")
    } catch {
      guard case .compilation(let name, let log) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == "OpenCL")
      #expect(log.contains("undeclared_thing"))
      #expect(error.description.hasPrefix("OpenCL could not compile a Kindling kernel:"))
    }
  }

  @Test("compiled programs are cached by source; an unknown kernel name is an error")
  func programCache() throws {
    let first = try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"]
    let second = try runtime.compile(TestKernels.axpy, kernels: ["axpy"])["axpy"]
    #expect(first === second)
    #expect(throws: GPUError.self) { try runtime.compile(TestKernels.axpy, kernels: ["nope"]) }
  }

  @Test("copies to, from and between buffers honour byte offsets")
  func copiesWithOffsets() throws {
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
    #expect(try download(a, count: 32, as: Int32.self) == expectedA)
    #expect(try download(b, count: 32, as: Int32.self) == expectedB)
  }

  @Test("allocating and freeing many buffers returns the memory")
  func allocateMany() throws {
    // A runtime of its own, so that the other tests' buffers do not count.
    let runtime = try OpenCLRuntime(environment: ProcessInfo.processInfo.environment)
    let before = try runtime.memoryInfo().free
    for round in 0..<20 {
      let sizes = (0..<50).map { 1 + $0 * 1024 + round }
      let buffers = try sizes.map { try runtime.allocate(byteCount: $0) }
      #expect(try runtime.memoryInfo().free == before - sizes.reduce(0, +))
      buffers.forEach(runtime.free)
    }
    #expect(try runtime.memoryInfo().free == before)
  }
}

@Suite("OpenCL availability")
struct OpenCLAvailabilityTests {
  @Test("a missing OpenCL library is .unavailable, naming the path and how to install OpenCL")
  func missingLibrary() {
    do {
      _ = try OpenCLRuntime(environment: ["KINDLING_OPENCL": "/nonexistent/libOpenCL.so.1"])
      Issue.record("expected .unavailable")
    } catch {
      guard case .unavailable(let text) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(text.hasPrefix("OpenCL (the ICD loader libOpenCL.so.1) is not available"))
      #expect(text.contains("/nonexistent/libOpenCL.so.1"))
      #expect(text.contains("apt-get install pocl-opencl-icd ocl-icd-libopencl1"))
      #expect(text.contains("KINDLING_OPENCL"))
    }
  }

  @Test("a library without the OpenCL entry points is refused, naming the missing one")
  func wrongLibrary() {
    do {
      _ = try OpenCLRuntime(environment: ["KINDLING_OPENCL": "libz.so.1"])
      Issue.record("expected .unavailable")
    } catch {
      #expect(error.description.contains("libz.so.1: the OpenCL library has no symbol clGetPlatformIDs"))
    }
  }
}
