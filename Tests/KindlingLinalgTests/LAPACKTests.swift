import Testing

@testable import KindlingLinalg

@Suite("LAPACK binding")
struct LAPACKTests {
  @Test("LAPACKE is linked and reports a LAPACK 3 version")
  func version() {
    let v = LAPACK.versionComponents
    #expect(v.major == 3 && v.minor >= 0 && v.patch >= 0)
    #expect(LAPACK.version == "\(v.major).\(v.minor).\(v.patch)")
  }
}
