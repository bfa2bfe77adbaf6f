import Foundation
import Testing

@testable import KindlingTensor

@Suite("BLAS binding")
struct BLASTests {
  @Test("OpenBLAS reports its configuration and version")
  func configuration() throws {
    #expect(BLAS.configuration.hasPrefix("OpenBLAS"))
    let version = try #require(BLAS.version)
    #expect(version.split(separator: ".").count >= 2, "version \(version)")
    #expect(!BLAS.coreName.isEmpty)
    #expect(BLAS.processorCount >= 1)
  }

  @Test("the thread count can be set and read back")
  func threads() {
    let original = BLAS.threadCount
    defer { BLAS.threadCount = original }
    BLAS.threadCount = 1
    #expect(BLAS.threadCount == 1)
    BLAS.threadCount = max(1, BLAS.processorCount)
    #expect(BLAS.threadCount == max(1, BLAS.processorCount))
  }
}

@Suite("OpenBLAS kernel family")
struct OpenBLASCoreTests {
  @Test("OpenBLAS never runs its SSE3 fallback on a CPU with AVX unless OPENBLAS_CORETYPE asks for it")
  func noPrescottFallback() {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let best = BLAS.coreForCPU else { return }
    #expect(BLAS.coreName != "Prescott", "OpenBLAS runs Prescott on a CPU that supports \(best)")
    if let replacement = BLAS.coreReplacement {
      #expect(replacement == best)
      #expect(BLAS.coreName == replacement)
    }
  }

  @Test("the family picked for this CPU is one OpenBLAS 0.3.21 has")
  func familyNames() {
    guard let best = BLAS.coreForCPU else { return }
    #expect(["Cooperlake", "SkylakeX", "Haswell", "Sandybridge"].contains(best))
  }
}
