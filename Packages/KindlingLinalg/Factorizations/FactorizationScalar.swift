import CKindlingLAPACK
import CKindlingLinalgKernels

/// The LAPACK routines of the LU, Cholesky and triangular families, for float32 (`s…`) and
/// float64 (`d…`). Every matrix is column-major (`LAPACK_COL_MAJOR`) except the LU factors of
/// Kindling's kernel (`…RowMajor`); the `_work` entry points are used so that NaN inputs reach
/// LAPACK (as in PyTorch) instead of being refused by LAPACKE's checks.
protocol FactorizationScalar: LinalgScalar {
  /// LU factorization with partial pivoting of a row-major `m`×`n` matrix by Kindling's recursive
  /// kernel (`kindling_getrf_*`, faster than OpenBLAS's `?getrf`): LAPACK's factors and pivots,
  /// row-major. `work` holds `m * KINDLING_LU_PANEL` elements.
  static func getrfRowMajor(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>,
    _ work: UnsafeMutablePointer<Self>
  ) -> Int32
  /// LU factorization with partial pivoting of a column-major `m`×`n` matrix (`?getrf`): the
  /// reference the tests hold ``getrfRowMajor(_:_:_:_:_:_:)`` to.
  static func getrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>
  ) -> Int32
  /// Solves `A X = B` or (`transpose`) `Aᵀ X = B` in place in the column-major `n`×`k` matrix `b`
  /// from ``getrfRowMajor(_:_:_:_:_:_:)``'s factors and pivots of `A` (`kindling_getrs_*`).
  static func getrsRowMajor(
    _ transpose: Bool, _ n: Int32, _ k: Int32, _ lu: UnsafePointer<Self>, _ ipiv: UnsafePointer<Int32>,
    _ b: UnsafeMutablePointer<Self>)
  /// Cholesky factorization of a symmetric positive-definite matrix (`?potrf`); `uplo` `L` or `U`.
  static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
  /// Solves `A X = B` from `?potrf`'s factor (`?potrs`).
  static func potrs(
    _ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Self>, _ ldb: Int32
  ) -> Int32
  /// Solves a triangular system `op(A) X = B` (`?trtrs`); reports a zero diagonal element in
  /// `info` without solving.
  static func trtrs(
    _ uplo: CChar, _ trans: CChar, _ diag: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>,
    _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32
  ) -> Int32
}

extension Float: FactorizationScalar {
  static func getrfRowMajor(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>,
    _ work: UnsafeMutablePointer<Float>
  ) -> Int32 { kindling_getrf_f32(m, n, a, lda, ipiv, work) }
  static func getrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>
  ) -> Int32 { LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, m, n, a, lda, ipiv) }
  static func getrsRowMajor(
    _ transpose: Bool, _ n: Int32, _ k: Int32, _ lu: UnsafePointer<Float>, _ ipiv: UnsafePointer<Int32>,
    _ b: UnsafeMutablePointer<Float>
  ) { _ = kindling_getrs_f32(transpose ? 1 : 0, n, k, lu, ipiv, b) }
  static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
    LAPACKE_spotrf_work(LAPACK_COL_MAJOR, uplo, n, a, lda)
  }
  static func potrs(
    _ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Float>, _ ldb: Int32
  ) -> Int32 { LAPACKE_spotrs_work(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb) }
  static func trtrs(
    _ uplo: CChar, _ trans: CChar, _ diag: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>,
    _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32
  ) -> Int32 { LAPACKE_strtrs_work(LAPACK_COL_MAJOR, uplo, trans, diag, n, nrhs, a, lda, b, ldb) }
}

extension Double: FactorizationScalar {
  static func getrfRowMajor(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>,
    _ work: UnsafeMutablePointer<Double>
  ) -> Int32 { kindling_getrf_f64(m, n, a, lda, ipiv, work) }
  static func getrf(
    _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ ipiv: UnsafeMutablePointer<Int32>
  ) -> Int32 { LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, m, n, a, lda, ipiv) }
  static func getrsRowMajor(
    _ transpose: Bool, _ n: Int32, _ k: Int32, _ lu: UnsafePointer<Double>, _ ipiv: UnsafePointer<Int32>,
    _ b: UnsafeMutablePointer<Double>
  ) { _ = kindling_getrs_f64(transpose ? 1 : 0, n, k, lu, ipiv, b) }
  static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
    LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, uplo, n, a, lda)
  }
  static func potrs(
    _ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
    _ b: UnsafeMutablePointer<Double>, _ ldb: Int32
  ) -> Int32 { LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb) }
  static func trtrs(
    _ uplo: CChar, _ trans: CChar, _ diag: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>,
    _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32
  ) -> Int32 { LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, uplo, trans, diag, n, nrhs, a, lda, b, ldb) }
}

/// LAPACK's one-letter options as C `char`s.
enum LAPACKFlag {
  static let no = CChar(UInt8(ascii: "N"))
  static let transpose = CChar(UInt8(ascii: "T"))
  static let lower = CChar(UInt8(ascii: "L"))
  static let upper = CChar(UInt8(ascii: "U"))
  static let unit = CChar(UInt8(ascii: "U"))
}
