import CKindlingLAPACK
import CKindlingLinalgKernels
import KindlingTensor

/// The LAPACK routines of the QR, symmetric eigenvalue and least-squares families, for float32
/// (`s…`) and float64 (`d…`). Every matrix is column-major (`LAPACK_COL_MAJOR`). As in
/// ``FactorizationScalar``, the `_work` entry points are used (NaN inputs reach LAPACK, as in
/// PyTorch); a call with `lwork` (and `liwork`) -1 is a workspace query that writes the optimal
/// sizes into `work[0]` (and `iwork[0]`).
protocol DecompositionScalar: LinalgScalar {
  /// QR factorization by Householder reflectors (`?geqrf`): `R` on and above the diagonal of `a`,
  /// the reflectors below it and in `tau`.
  static func geqrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ tau: UnsafeMutablePointer<Self>,
    _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// The first `n` columns of `Q` (`m`×`m`) from `k` reflectors of `?geqrf` (`?orgqr`), in place.
  static func orgqr(
    _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ tau: UnsafePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// Eigenvalues (ascending, in `w`) and, for `jobz` `V`, eigenvectors (over `a`) of a symmetric
  /// matrix by divide and conquer (`?syevd`); only the triangle `uplo` names is read.
  static func syevd(
    _ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ w: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32
  /// Reduces a symmetric matrix to tridiagonal form `Qᵀ A Q = T` (`?sytrd`): the diagonal in
  /// `d`, the off-diagonal in `e`, `Q`'s reflectors in the triangle `uplo` and in `tau`.
  static func sytrd(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ d: UnsafeMutablePointer<Self>,
    _ e: UnsafeMutablePointer<Self>, _ tau: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>,
    _ lwork: Int32
  ) -> Int32
  /// Eigenvalues (ascending, over `d`) and eigenvectors (in `z`, `compz` `I`) of a symmetric
  /// tridiagonal matrix by divide and conquer (`?stedc`); `e` is overwritten.
  static func stedc(
    _ compz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>,
    _ z: UnsafeMutablePointer<Self>, _ ldz: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32
  /// Merges the eigensystems of two halves of a tridiagonal matrix split at `cutpnt` with a
  /// rank-one term `rho` (`?laed1`, divide and conquer's merge step): `d` and the two diagonal
  /// blocks of `q` hold the halves' eigenvalues and eigenvectors on entry, the whole matrix's on
  /// exit, unsorted; `d[indxq[i] - 1]` ascends in `i` then (`indxq` on entry: 1-based, each half
  /// counted from its own start). `work`: `4n + n²`, `iwork`: `4n`.
  static func laed1(
    _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ q: UnsafeMutablePointer<Self>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Self, _ cutpnt: Int32, _ work: UnsafeMutablePointer<Self>,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32
  /// ``laed1(_:_:_:_:_:_:_:_:_:)`` by Kindling's kernel, its loops split across up to `threads`
  /// threads (`kindling_laed1_*`, with Kindling's secular-equation solver: the same result up to
  /// rounding): `info`, or -1 (nothing done) when memory ran out.
  static func laed1Team(
    _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ q: UnsafeMutablePointer<Self>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Self, _ cutpnt: Int32, threads: Int32
  ) -> Int32
  /// `?stedc` with `compz` `I` by Kindling's divide and conquer (`kindling_stedc_*`): the top
  /// cut's halves on two threads, the top merge across up to `threads`. `info`; -1 when memory
  /// ran out and -2 when the matrix is zero or not finite (`d`, `e` then unusable or untouched:
  /// callers keep copies and run ``stedc(_:_:_:_:_:_:_:_:_:_:)``).
  static func stedcTeam(
    _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>, _ z: UnsafeMutablePointer<Self>,
    _ ldz: Int32, threads: Int32
  ) -> Int32
  /// `?ormtr` (side `L`, uplo `U`, trans `N`) on the `n`×`n` matrix `c` by Kindling's kernel
  /// (`kindling_ormtr_upper_*`): the blocks' factors formed once, their products split across
  /// up to `threads` threads by columns. 0, or -1 (nothing done) when memory ran out.
  static func ormtrUpper(
    _ n: Int32, _ a: UnsafePointer<Self>, _ tau: UnsafePointer<Self>, _ c: UnsafeMutablePointer<Self>, threads: Int32
  ) -> Int32
  /// `?sytrd` by Kindling's unblocked kernel on the full matrix (`kindling_sytrd_upper_*`,
  /// `kindling_sytrd_lower_*`: faster for small `n`; they overwrite the other triangle too).
  static func sytrdSmall(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ d: UnsafeMutablePointer<Self>,
    _ e: UnsafeMutablePointer<Self>, _ tau: UnsafeMutablePointer<Self>)
  /// `?sytrd` with uplo `U` by Kindling's blocked kernel split across up to `threads` threads
  /// (`kindling_sytrd_blocked_upper_*`): 0, or -1 (nothing done) when memory ran out.
  static func sytrdBlockedUpper(
    _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>,
    _ tau: UnsafeMutablePointer<Self>, threads: Int32
  ) -> Int32
  /// `C = Q C` for `Q` from `?sytrd`'s reflectors (`?ormtr`, side `L`, no transpose); `C` is
  /// `m`×`n`, `m` the order of `Q`. It writes into `a` while it runs and restores it.
  static func ormtr(
    _ uplo: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ tau: UnsafePointer<Self>,
    _ c: UnsafeMutablePointer<Self>, _ ldc: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// Least squares for a full-rank matrix through its QR or LQ factorization (`?gels`).
  static func gels(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// Minimum-norm least squares through a complete orthogonal factorization with column pivoting
  /// (`?gelsy`).
  static func gelsy(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Self,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
  /// Minimum-norm least squares through the SVD, divide and conquer (`?gelsd`).
  static func gelsd(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ s: UnsafeMutablePointer<Self>, _ rcond: Self,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32
  /// Minimum-norm least squares through the SVD (`?gelss`).
  static func gelss(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ s: UnsafeMutablePointer<Self>, _ rcond: Self,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32
  ) -> Int32
}

extension Float: DecompositionScalar {
  static func geqrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ tau: UnsafeMutablePointer<Float>,
    _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork) }
  static func orgqr(
    _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ tau: UnsafePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork) }
  static func syevd(
    _ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ w: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32 { LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork) }
  static func sytrd(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ d: UnsafeMutablePointer<Float>,
    _ e: UnsafeMutablePointer<Float>, _ tau: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>,
    _ lwork: Int32
  ) -> Int32 { LAPACKE_ssytrd_work(LAPACK_COL_MAJOR, uplo, n, a, lda, d, e, tau, work, lwork) }
  static func sytrdSmall(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>,
    _ e: UnsafeMutablePointer<Float>, _ tau: UnsafeMutablePointer<Float>
  ) { kindling_sytrd_f32(uplo, n, a, n, d, e, tau) }
  static func laed1Team(
    _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Float, _ cutpnt: Int32, threads: Int32
  ) -> Int32 { kindling_laed1_f32(n, d, q, ldq, indxq, rho, cutpnt, threads) }
  static func stedcTeam(
    _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>,
    _ ldz: Int32, threads: Int32
  ) -> Int32 { kindling_stedc_f32(n, d, e, z, ldz, threads) }
  static func ormtrUpper(
    _ n: Int32, _ a: UnsafePointer<Float>, _ tau: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, threads: Int32
  ) -> Int32 { kindling_ormtr_upper_f32(n, a, n, tau, c, n, threads) }
  static func sytrdBlockedUpper(
    _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>,
    _ tau: UnsafeMutablePointer<Float>, threads: Int32
  ) -> Int32 { kindling_sytrd_blocked_upper_f32(n, a, n, d, e, tau, threads) }
  static func stedc(
    _ compz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>,
    _ z: UnsafeMutablePointer<Float>, _ ldz: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32 { LAPACKE_sstedc_work(LAPACK_COL_MAJOR, compz, n, d, e, z, ldz, work, lwork, iwork, liwork) }
  static func laed1(
    _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Float, _ cutpnt: Int32, _ work: UnsafeMutablePointer<Float>,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    var (n, ldq, rho, cutpnt, info) = (n, ldq, rho, cutpnt, Int32(0))
    slaed1_(&n, d, q, &ldq, indxq, &rho, &cutpnt, work, iwork, &info)
    return info
  }
  static func ormtr(
    _ uplo: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ tau: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 {
    LAPACKE_sormtr_work(
      LAPACK_COL_MAJOR, LAPACKFlag.left, uplo, LAPACKFlag.no, m, n, a, lda, tau, c, ldc, work, lwork)
  }
  static func gels(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sgels_work(LAPACK_COL_MAJOR, LAPACKFlag.no, m, n, nrhs, a, lda, b, ldb, work, lwork) }
  static func gelsy(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Float,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sgelsy_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, jpvt, rcond, rank, work, lwork) }
  static func gelsd(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ s: UnsafeMutablePointer<Float>, _ rcond: Float,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 { LAPACKE_sgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork) }
  static func gelss(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ s: UnsafeMutablePointer<Float>, _ rcond: Float,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Float>, _ lwork: Int32
  ) -> Int32 { LAPACKE_sgelss_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork) }
}

extension Double: DecompositionScalar {
  static func geqrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ tau: UnsafeMutablePointer<Double>,
    _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork) }
  static func orgqr(
    _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ tau: UnsafePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork) }
  static func syevd(
    _ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ w: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32 { LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork) }
  static func sytrd(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ d: UnsafeMutablePointer<Double>,
    _ e: UnsafeMutablePointer<Double>, _ tau: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>,
    _ lwork: Int32
  ) -> Int32 { LAPACKE_dsytrd_work(LAPACK_COL_MAJOR, uplo, n, a, lda, d, e, tau, work, lwork) }
  static func sytrdSmall(
    _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
    _ e: UnsafeMutablePointer<Double>, _ tau: UnsafeMutablePointer<Double>
  ) { kindling_sytrd_f64(uplo, n, a, n, d, e, tau) }
  static func laed1Team(
    _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Double, _ cutpnt: Int32, threads: Int32
  ) -> Int32 { kindling_laed1_f64(n, d, q, ldq, indxq, rho, cutpnt, threads) }
  static func stedcTeam(
    _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>,
    _ ldz: Int32, threads: Int32
  ) -> Int32 { kindling_stedc_f64(n, d, e, z, ldz, threads) }
  static func ormtrUpper(
    _ n: Int32, _ a: UnsafePointer<Double>, _ tau: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    threads: Int32
  ) -> Int32 { kindling_ormtr_upper_f64(n, a, n, tau, c, n, threads) }
  static func sytrdBlockedUpper(
    _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>,
    _ tau: UnsafeMutablePointer<Double>, threads: Int32
  ) -> Int32 { kindling_sytrd_blocked_upper_f64(n, a, n, d, e, tau, threads) }
  static func stedc(
    _ compz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>,
    _ z: UnsafeMutablePointer<Double>, _ ldz: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32
  ) -> Int32 { LAPACKE_dstedc_work(LAPACK_COL_MAJOR, compz, n, d, e, z, ldz, work, lwork, iwork, liwork) }
  static func laed1(
    _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>, _ ldq: Int32,
    _ indxq: UnsafeMutablePointer<Int32>, _ rho: Double, _ cutpnt: Int32, _ work: UnsafeMutablePointer<Double>,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 {
    var (n, ldq, rho, cutpnt, info) = (n, ldq, rho, cutpnt, Int32(0))
    dlaed1_(&n, d, q, &ldq, indxq, &rho, &cutpnt, work, iwork, &info)
    return info
  }
  static func ormtr(
    _ uplo: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ tau: UnsafePointer<Double>,
    _ c: UnsafeMutablePointer<Double>, _ ldc: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 {
    LAPACKE_dormtr_work(
      LAPACK_COL_MAJOR, LAPACKFlag.left, uplo, LAPACKFlag.no, m, n, a, lda, tau, c, ldc, work, lwork)
  }
  static func gels(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dgels_work(LAPACK_COL_MAJOR, LAPACKFlag.no, m, n, nrhs, a, lda, b, ldb, work, lwork) }
  static func gelsy(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ jpvt: UnsafeMutablePointer<Int32>, _ rcond: Double,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dgelsy_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, jpvt, rcond, rank, work, lwork) }
  static func gelsd(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ s: UnsafeMutablePointer<Double>, _ rcond: Double,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
    _ iwork: UnsafeMutablePointer<Int32>
  ) -> Int32 { LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork) }
  static func gelss(
    _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ s: UnsafeMutablePointer<Double>, _ rcond: Double,
    _ rank: UnsafeMutablePointer<Int32>, _ work: UnsafeMutablePointer<Double>, _ lwork: Int32
  ) -> Int32 { LAPACKE_dgelss_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork) }
}

/// A LAPACK workspace of `T`s: sized by a query call (`lwork` -1), then handed to every call.
struct Workspace<T: DecompositionScalar> {
  private(set) var work: [T]
  private(set) var iwork: [Int32]

  /// Runs `query(work, iwork)` once with one-element buffers and `-1` sizes, then allocates the
  /// sizes it wrote (at least one element each).
  init(query: (UnsafeMutablePointer<T>, UnsafeMutablePointer<Int32>) -> Int32) {
    var w = [T](repeating: 0, count: 1)
    var iw = [Int32](repeating: 0, count: 1)
    _ = w.withUnsafeMutableBufferPointer { wp in
      iw.withUnsafeMutableBufferPointer { ip in query(wp.baseAddress!, ip.baseAddress!) }
    }
    work = [T](repeating: 0, count: Swift.max(1, Int(w[0].rounded(.up))))
    iwork = [Int32](repeating: 0, count: Swift.max(1, Int(iw[0])))
  }

  var lwork: Int32 { Int32(work.count) }
  var liwork: Int32 { Int32(iwork.count) }

  /// Runs `body` with the workspace's buffers.
  mutating func run(_ body: (UnsafeMutablePointer<T>, UnsafeMutablePointer<Int32>) -> Int32) -> Int32 {
    work.withUnsafeMutableBufferPointer { wp in
      iwork.withUnsafeMutableBufferPointer { ip in body(wp.baseAddress!, ip.baseAddress!) }
    }
  }
}

extension LAPACKFlag {
  /// `jobz` `V`: compute eigenvectors too.
  static let vectors = CChar(UInt8(ascii: "V"))
  /// `compz` `I`: the eigenvectors of the tridiagonal matrix itself.
  static let tridiagonalVectors = CChar(UInt8(ascii: "I"))
  /// `side` `L`: multiply from the left.
  static let left = CChar(UInt8(ascii: "L"))
}
