import Testing

@testable import KindlingGPU

@Suite("CUDA driver probe")
struct CUDAProbeTests {
  @Test("without a GPU, CUDA is unavailable with a reason; with one, the devices describe themselves")
  func availability() throws {
    if CUDA.isAvailable {
      #expect(CUDA.unavailableReason == nil)
      #expect(CUDA.deviceCount >= 1)
      let properties = try CUDA.properties(of: 0)
      #expect(!properties.name.isEmpty && properties.totalMemory > 0 && properties.computeCapability.major >= 3)
      #expect(try CUDA.driverVersion() >= 10000)
      #expect(throws: CUDAError.invalidDevice(index: CUDA.deviceCount, count: CUDA.deviceCount)) {
        try CUDA.properties(of: CUDA.deviceCount)
      }
    } else {
      let reason = try #require(CUDA.unavailableReason)
      #expect(reason.hasPrefix("CUDA is not available"))
      #expect(CUDA.deviceCount == 0)
      #expect(throws: CUDAError.self) { try CUDA.properties(of: 0) }
    }
  }

  @Test("a missing driver library is named in the error, with what to do")
  func missingLibrary() {
    do {
      _ = try CUDADriver(library: "/nonexistent/libcuda.so.1")
      Issue.record("expected an error")
    } catch {
      guard case .driverNotFound(let library, let reason) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(library == "/nonexistent/libcuda.so.1")
      #expect(reason.contains("/nonexistent/libcuda.so.1"))
      #expect(error.description.contains("Install the NVIDIA driver, or set KINDLING_CUDA_DRIVER"))
    }
  }

  @Test("a library that is not the CUDA driver is refused, naming the missing entry point")
  func wrongLibrary() {
    do {
      _ = try CUDADriver(library: "libz.so.1")
      Issue.record("expected an error")
    } catch {
      #expect(error == .driverNotFound(library: "libz.so.1", reason: "the driver library has no symbol cuInit"))
    }
  }

  @Test("driver errors read as sentences")
  func messages() {
    #expect(CUDAError.invalidDevice(index: 2, count: 1).description == "CUDA error: invalid device ordinal 2: this machine has 1 CUDA device.")
    #expect(CUDAError.noDevice.description.hasPrefix("CUDA is not available: the NVIDIA driver found no CUDA-capable device"))
  }
}
