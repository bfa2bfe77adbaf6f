import Foundation
import Testing

@testable import KindlingGPU

@Suite(
  "OpenCL runtime",
  .enabled(if: RuntimeKind.available.contains(.openCL), "no OpenCL: apt-get install pocl-opencl-icd ocl-icd-libopencl1")
)
struct OpenCLRuntimeTests {
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
