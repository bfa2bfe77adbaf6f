import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// LAPACK calls on matrices of order ``Linalg/wideOrder`` and up run on OpenBLAS's own threads,
/// and OpenBLAS goes back to one thread after them. Other suites make such calls at the same
/// time (`EighTests` at order 520), so "back to one thread" is checked as "one thread, or some
/// call is still running" (`BLAS.openBLASIsPinnedOrWide`, read under the calls' lock): a plain
/// thread count read here failed whenever their calls overlapped.
@Suite("LAPACK on OpenBLAS's threads", .serialized)
struct LAPACKThreadsTests {
  @Test("withOpenBLASThreads sets OpenBLAS's pool for the call, nested calls share it, and one thread comes back")
  func threadScope() {
    BLAS.pinOpenBLAS()
    #expect(BLAS.openBLASIsPinnedOrWide)
    BLAS.withOpenBLASThreads(2) {
      #expect(BLAS.openBLASThreadCount == 2)
      BLAS.withOpenBLASThreads(2) { #expect(BLAS.openBLASThreadCount == 2) }
      #expect(BLAS.openBLASThreadCount == 2, "the inner call must not reset the outer one's threads")
    }
    #expect(BLAS.openBLASIsPinnedOrWide)
    BLAS.withOpenBLASThreads(1) { #expect(BLAS.openBLASIsPinnedOrWide) }
  }

  @Test("decompositions of order 512 (on OpenBLAS's threads) reconstruct their input, from any layout")
  func wideCalls() throws {
    let n = Linalg.wideOrder
    let m = Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: 31))
    let eye = Tensor.eye(n, dtype: .float64)
    // Transposed views: the copies LAPACK gets are made from a strided layout.
    let spd = (m.matmul(m.mT) / Double(n) + eye).mT
    let l = try Linalg.cholesky(spd)
    #expect(close(l.matmul(l.mT), spd, 1e-10))
    #expect(l.triu(diagonal: 1).abs().max().item() == 0)
    let u = try Linalg.cholesky(spd, upper: true)
    #expect(close(u, l.mT, 1e-12))
    let symmetric = (m + m.mT).mT
    let (values, vectors) = try Linalg.eigh(symmetric)
    #expect(close(symmetric.matmul(vectors), vectors * values.unsqueeze(-2), 1e-9))
    #expect(close(vectors.mT.matmul(vectors), eye, 1e-10))
    let tall = m[0..<n, 0..<(n - 100)].mT.mT  // a view with a row stride longer than its width
    let (left, singular, right) = try Linalg.svd(tall, fullMatrices: false)
    #expect(left.shape == [n, n - 100] && right.shape == [n - 100, n - 100])
    #expect(close((left * singular.unsqueeze(-2)).matmul(right), tall, 1e-9))
    #expect(BLAS.openBLASIsPinnedOrWide)
  }
}
