import CKindlingBLAS

/// float32 and float64, the element types of OpenBLAS's GEMM, with the one GEMM every CPU kernel
/// of Kindling calls (``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``:
/// KindlingTensor's matrix products and KindlingNN's convolutions).
///
/// OpenBLAS runs on one thread (see ``BLAS/threadCount``) but for products of 512 or more on
/// every side, which run on its own threads (``GEMMSplit/openBLASThreadedSide``); any other large
/// product is split here into
/// ``BLAS/threadCount`` blocks of `c`, one `cblas_sgemm`/`cblas_dgemm` call each, run on
/// ``Parallel``'s workers, the same threads as every other kernel. Two pools (OpenBLAS's threads,
/// which spin after each product, and Kindling's) fought over two cores and made a two-thread
/// training step slower than a one-thread one.
package protocol BLASFloat: BinaryFloatingPoint, Sendable {
  /// One row-major `cblas_?gemm` call on this thread: `c = alpha·op(a)·op(b) + beta·c`, `op(a)`
  /// `[m, k]`, `op(b)` `[k, n]`, `c` `[m, n]`.
  // swift-format-ignore
  static func singleGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

private func cblasTranspose(_ transposed: Bool) -> CBLAS_TRANSPOSE { transposed ? CblasTrans : CblasNoTrans }

extension Float: BLASFloat {
  package static func singleGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension Double: BLASFloat {
  package static func singleGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
    b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(
      CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// How a GEMM is split across threads.
package enum GEMMSplit {
  /// Products with fewer multiply-adds (`m·n·k`) stay one call on the calling thread (OpenBLAS's
  /// own threshold for threading a product, `65536 × GEMM_MULTITHREAD_THRESHOLD`).
  package static let minimumWork = 1 << 18

  /// Block boundaries fall on multiples of this many rows or columns (OpenBLAS's register tiles
  /// divide it), so only the last block has a ragged edge.
  static let alignment = 16

  /// The number of blocks a product of `m·n·k` multiply-adds is split into on `threads` threads:
  /// 1 below ``minimumWork``, and never blocks narrower than ``alignment``.
  package static func parts(m: Int, n: Int, k: Int, threads: Int) -> Int {
    guard threads > 1, isLarge(Double(m) * Double(n) * Double(k)) else { return 1 }
    return max(1, min(threads, max(m, n) / alignment))
  }

  /// Whether `multiplyAdds` is worth splitting (at least ``minimumWork``).
  static func isLarge(_ multiplyAdds: Double) -> Bool { multiplyAdds >= Double(minimumWork) }

  /// Products at least this large in every dimension run on OpenBLAS's own threads
  /// (``BLAS/withOpenBLASThreads(_:_:)``): its threads share each packed panel of `b`, where
  /// Kindling's blocks pack it once per thread. Measured on 2 cores, 1024×1024×1024: 12.7 ms
  /// split in two blocks, 7.8 ms on OpenBLAS's threads (one thread: 15.5 ms).
  static let openBLASThreadedSide = 512

  /// Whether a product of `m·n·k` should run on OpenBLAS's threads (see ``openBLASThreadedSide``).
  static func prefersOpenBLASThreads(m: Int, n: Int, k: Int) -> Bool {
    min(m, n, k) >= openBLASThreadedSide
  }
}

extension BLASFloat {
  /// `c = alpha·op(a)·op(b) + beta·c` (row-major, `op(a)` `[m, k]`, `op(b)` `[k, n]`), split
  /// into `threads` (by default ``BLAS/threadCount``) contiguous blocks of the larger of `c`'s
  /// rows and columns, one single-threaded BLAS call each on ``Parallel``'s threads; a product
  /// under ``GEMMSplit/minimumWork`` multiply-adds is one call on this thread. Each element of `c`
  /// is computed by one call over the whole `k`, but OpenBLAS picks its kernels by the size of a
  /// call, so a split product may differ from the one-call product by rounding (float32: about
  /// 1e-6 of the largest element).
  // swift-format-ignore
  package static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self = 1, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, threads: Int? = nil
  ) {
    let threads = threads ?? BLAS.threadCount
    let parts = GEMMSplit.parts(m: m, n: n, k: k, threads: threads)
    if parts > 1 && GEMMSplit.prefersOpenBLASThreads(m: m, n: n, k: k) {
      return BLAS.withOpenBLASThreads(threads) {
        singleGEMM(
          transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
          ldb: ldb, beta: beta, c: c, ldc: ldc)
      }
    }
    guard parts > 1 else {
      BLAS.pinOpenBLAS()
      return singleGEMM(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
        ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
    let byRows = m >= n
    let extent = byRows ? m : n
    let align = GEMMSplit.alignment
    let block = ((extent + parts - 1) / parts + align - 1) / align * align
    let shared = UncheckedSendable(value: (a, b, c))
    Parallel.perform(iterations: parts) { part in
      let (a, b, c) = shared.value
      let start = part * block, end = Swift.min(extent, start + block)
      guard start < end else { return }
      if byRows {
        // Rows start..<end of op(a) and of c: row r of op(a) is row r of a, or column r of aᵀ.
        singleGEMM(
          transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha,
          a: a + (transposeA ? start : start * lda), lda: lda, b: b, ldb: ldb, beta: beta, c: c + start * ldc, ldc: ldc)
      } else {
        // Columns start..<end of op(b) and of c: column j of op(b) is column j of b, or row j of bᵀ.
        singleGEMM(
          transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha, a: a, lda: lda,
          b: b + (transposeB ? start * ldb : start), ldb: ldb, beta: beta, c: c + start, ldc: ldc)
      }
    }
  }

  /// `batches` independent products `c[i] = alpha·op(a[i])·op(b[i]) + beta·c[i]`, the `i`-th
  /// operands `strideA`, `strideB`, `strideC` elements after the previous ones (a stride of 0
  /// repeats an operand). Products too small to split on their own (under
  /// ``GEMMSplit/minimumWork``) are shared out whole, in contiguous runs of batches; larger ones
  /// go one after the other, each split by
  /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:threads:)``.
  // swift-format-ignore
  package static func gemmBatched(
    batches: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self = 1,
    a: UnsafePointer<Self>, lda: Int, strideA: Int, b: UnsafePointer<Self>, ldb: Int, strideB: Int, beta: Self,
    c: UnsafeMutablePointer<Self>, ldc: Int, strideC: Int, threads: Int? = nil
  ) {
    let threads = threads ?? BLAS.threadCount
    let single = GEMMSplit.parts(m: m, n: n, k: k, threads: threads) == 1
    if threads > 1 && batches > 1 && single && GEMMSplit.isLarge(Double(batches) * Double(m) * Double(n) * Double(k)) {
      BLAS.pinOpenBLAS()
      let shared = UncheckedSendable(value: (a, b, c))
      Parallel.ranges(batches, threads: threads) { range in
        let (a, b, c) = shared.value
        for i in range {
          singleGEMM(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a + i * strideA,
            lda: lda, b: b + i * strideB, ldb: ldb, beta: beta, c: c + i * strideC, ldc: ldc)
        }
      }
      return
    }
    for i in 0..<batches {
      gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a + i * strideA, lda: lda,
        b: b + i * strideB, ldb: ldb, beta: beta, c: c + i * strideC, ldc: ldc, threads: threads)
    }
  }
}
