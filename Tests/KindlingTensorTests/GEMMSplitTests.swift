import Testing

@testable import KindlingTensor

/// Kindling splits large products into blocks of `c` across `BLAS.threadCount` threads
/// (`BLASFloat.gemm`), one single-threaded OpenBLAS call per block. Every element comes from one
/// call over the same `k`, but not bit for bit the same sums: OpenBLAS picks its kernels by the
/// size of the product (its small-matrix kernels among them), so a block may add in another
/// order. Measured here: at most 1.2e-6 of the largest |element| in float32. The checks allow
/// 1e-5 (float32) and 1e-13 (float64) of it.
@Suite("GEMM split across threads")
struct GEMMSplitTests {
  /// `op(a)` `[m, k]` and `op(b)` `[k, n]` stored transposed or not, random.
  private static func operands(
    m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, dtype: DType, seed: UInt64
  ) -> (Tensor, Tensor) {
    let generator = Generator(seed: seed)
    let a = Tensor.randn(transposeA ? [k, m] : [m, k], dtype: dtype, generator: generator)
    let b = Tensor.randn(transposeB ? [n, k] : [k, n], dtype: dtype, generator: generator)
    return (a, b)
  }

  /// `c = alpha·op(a)·op(b) + beta·c0` through the helper on `threads` threads.
  private static func product<T: BLASFloat>(
    _: T.Type, _ a: Tensor, _ b: Tensor, c0: Tensor, m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool,
    beta: T, threads: Int
  ) -> Tensor {
    let c = c0.clone()
    T.gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75, a: a.pointer(as: T.self),
      lda: a.shape[1], b: b.pointer(as: T.self), ldb: b.shape[1], beta: beta, c: c.pointer(as: T.self), ldc: n,
      threads: threads)
    return c
  }

  /// Whether `x` is `reference` up to rounding: 1e-5 (float32) or 1e-13 (float64) of the largest
  /// |element| of `reference`.
  private static func close(_ x: Tensor, _ reference: Tensor) -> Bool {
    let scale = Swift.max(reference.abs().max().item(), 1)
    let tolerance = reference.dtype == .float32 ? 1e-5 : 1e-13
    return x.shape == reference.shape && (x - reference).abs().max().item() <= tolerance * scale
  }

  @Test(
    "a split product equals the one-call product up to rounding",
    arguments: [(257, 131, 67), (67, 131, 257), (1000, 3, 300), (3, 1000, 300), (64, 64, 64), (33, 4099, 9)])
  func splitEqualsSingle(shape: (Int, Int, Int)) {
    let (m, k, n) = shape
    for dtype in [DType.float32, .float64] {
      for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
        let (a, b) = Self.operands(
          m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, dtype: dtype, seed: UInt64(m * n + k))
        let c0 = Tensor.randn([m, n], dtype: dtype, generator: Generator(seed: 7))
        for beta in [0.0, 0.5] {
          func run(_ threads: Int) -> Tensor {
            dtype == .float32
              ? Self.product(
                Float.self, a, b, c0: c0, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                beta: Float(beta), threads: threads)
              : Self.product(
                Double.self, a, b, c0: c0, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                beta: beta, threads: threads)
          }
          let single = run(1)
          for threads in [2, 3, 5] {
            #expect(
              Self.close(run(threads), single),
              "\(dtype) m \(m) k \(k) n \(n) transposes \(transposeA) \(transposeB) beta \(beta) threads \(threads)")
          }
        }
      }
    }
  }

  @Test("a product of 512 or more on every side runs on OpenBLAS's threads and equals the one-thread product")
  func openBLASThreaded() {
    #expect(GEMMSplit.prefersOpenBLASThreads(m: 512, n: 512, k: 512))
    #expect(!GEMMSplit.prefersOpenBLASThreads(m: 511, n: 4096, k: 4096))
    #expect(!GEMMSplit.prefersOpenBLASThreads(m: 4096, n: 4096, k: 256))
    let (m, k, n) = (515, 512, 530)
    for (transposeA, transposeB) in [(false, false), (true, true)] {
      let (a, b) = Self.operands(
        m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, dtype: .float32, seed: 11)
      let c0 = Tensor.randn([m, n], generator: Generator(seed: 3))
      func run(_ threads: Int) -> Tensor {
        Self.product(
          Float.self, a, b, c0: c0, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: 0.5,
          threads: threads)
      }
      #expect(Self.close(run(2), run(1)), "transposes \(transposeA) \(transposeB)")
    }
  }

  @Test("a split needs 2^18 multiply-adds and blocks of at least 16 rows or columns")
  func parts() {
    #expect(GEMMSplit.parts(m: 64, n: 64, k: 63, threads: 2) == 1)
    #expect(GEMMSplit.parts(m: 64, n: 64, k: 64, threads: 2) == 2)
    #expect(GEMMSplit.parts(m: 64, n: 64, k: 64, threads: 1) == 1)
    #expect(GEMMSplit.parts(m: 64, n: 64, k: 64, threads: 8) == 4)
    #expect(GEMMSplit.parts(m: 8, n: 8, k: 1 << 20, threads: 2) == 1)
    #expect(GEMMSplit.parts(m: 1 << 40, n: 1 << 40, k: 1 << 40, threads: 3) == 3)
  }

  @Test("mm, bmm, addmm and matmul give the same results with BLAS.threadCount 1 and 2")
  func tensorOps() {
    let original = BLAS.threadCount
    defer { BLAS.threadCount = original }
    for dtype in [DType.float32, .float64] {
      let g = Generator(seed: 11)
      let a = Tensor.randn([301, 157], dtype: dtype, generator: g)
      let b = Tensor.randn([157, 203], dtype: dtype, generator: g)
      let wide = Tensor.randn([157, 517], dtype: dtype, generator: g)
      let bias = Tensor.randn([301, 203], dtype: dtype, generator: g)
      // Batches large enough to split one by one, and small ones shared out whole.
      let x = Tensor.randn([5, 70, 61], dtype: dtype, generator: g)
      let y = Tensor.randn([5, 61, 93], dtype: dtype, generator: g)
      let p = Tensor.randn([9, 40, 39], dtype: dtype, generator: g)
      let q = Tensor.randn([9, 39, 41], dtype: dtype, generator: g)
      let r = Tensor.randn([39, 41], dtype: dtype, generator: g)
      func results() -> [Tensor] {
        [
          a.mm(b), a.mm(wide), b.t().mm(a.t()), a.t().t().mm(b.t().t()), wide.t().mm(a.t()),
          bias.addmm(a, b, beta: 0.5, alpha: 2), x.bmm(y), x.transpose(1, 2).transpose(1, 2).bmm(y),
          y.transpose(1, 2).bmm(x.transpose(1, 2)), p.bmm(q), p.matmul(r), p.transpose(1, 2).matmul(p),
        ]
      }
      BLAS.threadCount = 1
      let single = results()
      BLAS.threadCount = 2
      let split = results()
      for (index, (s, t)) in zip(single, split).enumerated() {
        #expect(Self.close(t, s), "\(dtype) result \(index)")
      }
    }
  }
}
