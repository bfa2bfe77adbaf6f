import CKindlingLAPACK
import CKindlingLinalgKernels
import KindlingTensor

/// The LAPACK routine of the singular value decomposition, for float32 (`sgesdd`) and float64
/// (`dgesdd`): the divide-and-conquer driver PyTorch calls on the CPU. Column-major, through the
/// `_work` entry point (no NaN scan in LAPACKE; `?gesdd` itself reports a NaN input as `info = -4`).
protocol SVDScalar: LinalgScalar {
  /// `A = U Σ Vᵀ` of an `m`×`n` matrix (`?gesdd`). `jobz` is `A` (all of `U` and `Vᵀ`), `S`
  /// (the first `min(m, n)` columns of `U` and rows of `Vᵀ`) or `N` (singular values only).
  /// `lwork = -1` is a workspace query: the size needed is written to `work[0]`.
  static func gesdd(
    _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ s: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>, _ ldu: Int32,
    _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32
  /// `?gesdd` of a square matrix by its phases, each split across up to `threads` threads
  /// (`kindling_gesdd_square_*`): `info`, or `KINDLING_USE_GESDD` (with `a` untouched) when only
  /// `?gesdd` will do.
  static func gesddSquare(
    _ jobz: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ s: UnsafeMutablePointer<Self>,
    _ u: UnsafeMutablePointer<Self>, _ vt: UnsafeMutablePointer<Self>, threads: Int32
  ) -> Int32
  /// LAPACK's bidiagonal reduction of an `m`×`n` matrix, `m >= n` (`?gebrd`): `d`, `e`, `tauq`,
  /// `taup` and the reflectors in `a`. `lwork = -1` is a workspace query. (The reference for
  /// ``gebrdBlocked(_:_:_:_:_:_:_:threads:)``.)
  static func gebrd(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ d: UnsafeMutablePointer<Self>,
    _ e: UnsafeMutablePointer<Self>, _ tauq: UnsafeMutablePointer<Self>, _ taup: UnsafeMutablePointer<Self>,
    _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// ``gebrd(_:_:_:_:_:_:_:_:_:)`` by Kindling's blocked kernel split across up to `threads`
  /// threads (`kindling_gebrd_blocked_*`): 0, or -1 (nothing done) when memory ran out.
  static func gebrdBlocked(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ d: UnsafeMutablePointer<Self>,
    _ e: UnsafeMutablePointer<Self>, _ tauq: UnsafeMutablePointer<Self>, _ taup: UnsafeMutablePointer<Self>,
    threads: Int32
  ) -> Int32
  /// LAPACK's SVD of an `n`×`n` upper bidiagonal matrix (`?bdsdc`, compq `I`): the values
  /// descending over `d`, the vectors in `u` and `vt` (`n`×`n`); `work` `3n² + 4n`, `iwork` `8n`.
  /// (The reference for ``bdsdcSplit(_:_:_:_:_:)``.)
  static func bdsdc(
    _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>,
    _ vt: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32
  /// ``bdsdc(_:_:_:_:_:_:_:)`` with its top divide-and-conquer step split across two threads
  /// (`kindling_bdsdc_split_*`): `info`, or `KINDLING_USE_GESDD` (nothing done).
  static func bdsdcSplit(
    _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>,
    _ vt: UnsafeMutablePointer<Self>
  ) -> Int32
}

extension Float: SVDScalar {
  static func gesdd(
    _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int32,
    _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork)
  }
  static func gesddSquare(
    _ jobz: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>,
    _ u: UnsafeMutablePointer<Float>, _ vt: UnsafeMutablePointer<Float>, threads: Int32
  ) -> Int32 { kindling_gesdd_square_f32(jobz, n, a, s, u, vt, threads) }
  static func gebrd(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>,
    _ e: UnsafeMutablePointer<Float>, _ tauq: UnsafeMutablePointer<Float>, _ taup: UnsafeMutablePointer<Float>,
    _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sgebrd_work(LAPACK_COL_MAJOR, m, n, a, m, d, e, tauq, taup, work, lwork) }
  static func gebrdBlocked(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>,
    _ e: UnsafeMutablePointer<Float>, _ tauq: UnsafeMutablePointer<Float>, _ taup: UnsafeMutablePointer<Float>,
    threads: Int32
  ) -> Int32 { kindling_gebrd_blocked_f32(m, n, a, m, d, e, tauq, taup, threads) }
  static func bdsdc(
    _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>,
    _ vt: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    LAPACKE_sbdsdc_work(
      LAPACK_COL_MAJOR, LAPACKFlag.upper, CChar(UInt8(ascii: "I")), n, d, e, u, n, vt, n, nil, nil, work, iwork)
  }
  static func bdsdcSplit(
    _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>,
    _ vt: UnsafeMutablePointer<Float>
  ) -> Int32 { kindling_bdsdc_split_f32(n, d, e, u, vt) }
}

extension Double: SVDScalar {
  static func gesdd(
    _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int32,
    _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork)
  }
  static func gesddSquare(
    _ jobz: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ s: UnsafeMutablePointer<Double>,
    _ u: UnsafeMutablePointer<Double>, _ vt: UnsafeMutablePointer<Double>, threads: Int32
  ) -> Int32 { kindling_gesdd_square_f64(jobz, n, a, s, u, vt, threads) }
  static func gebrd(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
    _ e: UnsafeMutablePointer<Double>, _ tauq: UnsafeMutablePointer<Double>, _ taup: UnsafeMutablePointer<Double>,
    _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dgebrd_work(LAPACK_COL_MAJOR, m, n, a, m, d, e, tauq, taup, work, lwork) }
  static func gebrdBlocked(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
    _ e: UnsafeMutablePointer<Double>, _ tauq: UnsafeMutablePointer<Double>, _ taup: UnsafeMutablePointer<Double>,
    threads: Int32
  ) -> Int32 { kindling_gebrd_blocked_f64(m, n, a, m, d, e, tauq, taup, threads) }
  static func bdsdc(
    _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>,
    _ vt: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    LAPACKE_dbdsdc_work(
      LAPACK_COL_MAJOR, LAPACKFlag.upper, CChar(UInt8(ascii: "I")), n, d, e, u, n, vt, n, nil, nil, work, iwork)
  }
  static func bdsdcSplit(
    _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>,
    _ vt: UnsafeMutablePointer<Double>
  ) -> Int32 { kindling_bdsdc_split_f64(n, d, e, u, vt) }
}

/// Which parts of the decomposition ``SVDKernel`` computes.
enum SVDMode {
  /// `U` `m`×`m` and `Vᵀ` `n`×`n` (`jobz = A`).
  case full
  /// `U` `m`×`k` and `Vᵀ` `k`×`n`, `k = min(m, n)` (`jobz = S`).
  case reduced
  /// The singular values only (`jobz = N`).
  case valuesOnly
}

/// `?gesdd` on every matrix of `matrices` (`[..., n, m]`, column-major `m`×`n`, overwritten):
/// the singular values (`[..., k]`, descending), `U` (`[..., m, m]` or `[..., m, k]`) and `Vᵀ`
/// (`[..., n, n]` or `[..., k, n]`) as views of column-major buffers (`nil` for `.valuesOnly`),
/// and `info` per matrix.
///
/// Square matrices from order 16 take `?gesdd`'s phases in Kindling's kernels
/// (`kindling_gesdd_square_*`), split across Kindling's worker pool: the bidiagonal reduction
/// (unblocked to order 128; blocked above, its columns split between threads from order 384),
/// the bidiagonal divide and conquer with its two halves solved at once, and the reflectors
/// applied to column blocks of `U` and row blocks of `Vᵀ`. From C on 2 cores, float32, against
/// `sgesdd` on one thread, best of several: n = 256 9.8 against 11.9 ms, n = 512 50 against 67 ms,
/// n = 1024 321 against 528 ms. Other shapes, and a matrix `?gesdd` would scale or that holds a
/// NaN, take `?gesdd` itself, on OpenBLAS's threads from ``Linalg/wideOrder``.
struct SVDKernel: LAPACKVisitor {
  let matrices: Tensor
  let m: Int, n: Int
  let mode: SVDMode
  /// Whether square matrices in ``squareOrders`` may take Kindling's phases
  /// (`kindling_gesdd_square_*`; tests turn it off to compare with `?gesdd`).
  var split = true

  /// The orders of square matrices whose SVD runs `?gesdd`'s phases in Kindling's kernels.
  /// Below 16 `?gesdd`'s own reduction costs as little.
  static let squareOrders = 16...
  /// The order from which `kindling_gesdd_square_*` splits its phases across threads
  /// (`GS_TEAM_ORDER`).
  static let teamOrder = 160

  func visit<T: LAPACKScalar>(_: T.Type) -> (u: Tensor?, s: Tensor, vh: Tensor?, info: [Int32]) {
    let k = Swift.min(m, n)
    let batch = Array(matrices.shape.dropLast(2))
    let count = batch.reduce(1, *)
    let dtype = matrices.dtype
    let uColumns = mode == .full ? m : k
    let vtRows = mode == .full ? n : k
    let s = Tensor(uninitializedShape: batch + [k], dtype: dtype)
    var info = [Int32](repeating: 0, count: count)
    guard mode != .valuesOnly else {
      run(T.self, count: count, s: s, u: nil, vt: nil, info: &info)
      return (nil, s, nil, info)
    }
    if k == 0 {
      // Nothing to decompose: the singular vectors of an empty matrix are the identity's.
      let u = Tensor.eye(m, uColumns, dtype: dtype).expand(batch + [m, uColumns]).contiguous()
      let vh = Tensor.eye(vtRows, n, dtype: dtype).expand(batch + [vtRows, n]).contiguous()
      return (u, s, vh, info)
    }
    // Column-major buffers: U (m × uColumns) is stored as [uColumns, m], Vᵀ (vtRows × n) as [n, vtRows].
    let u = Tensor(uninitializedShape: batch + [uColumns, m], dtype: dtype)
    let vt = Tensor(uninitializedShape: batch + [n, vtRows], dtype: dtype)
    run(T.self, count: count, s: s, u: u, vt: vt, info: &info)
    return (u.mT, s, vt.mT, info)
  }

  /// The LAPACK loop: one workspace query, then `?gesdd` per matrix.
  private func run<T: SVDScalar>(_: T.Type, count: Int, s: Tensor, u: Tensor?, vt: Tensor?, info: inout [Int32]) {
    let k = Swift.min(m, n)
    guard k > 0, count > 0 else { return }
    let jobz: CChar
    switch mode {
    case .full: jobz = CChar(UInt8(ascii: "A"))
    case .reduced: jobz = CChar(UInt8(ascii: "S"))
    case .valuesOnly: jobz = CChar(UInt8(ascii: "N"))
    }
    let uColumns = mode == .full ? m : k
    let vtRows = mode == .full ? n : k
    let ldu = Int32(Swift.max(1, m))
    let ldvt = Int32(Swift.max(1, vtRows))
    let a = matrices.linalgPointer(as: T.self)
    let sp = s.linalgPointer(as: T.self)
    // `?gesdd` does not read U and Vᵀ for jobz = N, but still wants valid pointers.
    var dummy = [T](repeating: 0, count: 1)
    let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: 8 * k)
    defer { iwork.deallocate() }
    dummy.withUnsafeMutableBufferPointer { d in
      let up = u?.linalgPointer(as: T.self) ?? d.baseAddress!
      let vp = vt?.linalgPointer(as: T.self) ?? d.baseAddress!
      var query: T = 0
      _ = T.gesdd(jobz, Int32(m), Int32(n), a, Int32(m), sp, up, ldu, vp, ldvt, &query, -1, iwork)
      let lwork = Swift.max(1, Int(query))
      let work = UnsafeMutablePointer<T>.allocate(capacity: lwork)
      defer { work.deallocate() }
      let uStride = u == nil ? 0 : m * uColumns
      let vStride = vt == nil ? 0 : vtRows * n
      let square = split && m == n && Self.squareOrders.contains(n)
      if square { Linalg.teamRunner }
      let threads = Int32(Swift.min(BLAS.threadCount, Parallel.coreCount))
      for i in 0..<count {
        let (ai, si, ui, vi) = (a + i * m * n, sp + i * k, up + i * uStride, vp + i * vStride)
        // Split across threads (from order 160), the pool's workers poll for the whole call
        // instead of sleeping through each serial stretch, as in eigh.
        let phases =
          !square
          ? nil
          : threads > 1 && n >= Self.teamOrder
            ? Parallel.keepingAwake { T.gesddSquare(jobz, Int32(n), ai, si, ui, vi, threads: threads) }
            : T.gesddSquare(jobz, Int32(n), ai, si, ui, vi, threads: threads)
        if let phases, phases != KINDLING_USE_GESDD {
          info[i] = phases
        } else {
          info[i] = Linalg.onOpenBLASThreads(order: k) {
            T.gesdd(jobz, Int32(m), Int32(n), ai, Int32(m), si, ui, ldu, vi, ldvt, work, Int32(lwork), iwork)
          }
        }
      }
    }
  }
}
