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
