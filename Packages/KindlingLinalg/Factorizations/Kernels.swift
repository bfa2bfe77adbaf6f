import CKindlingLinalgKernels
import KindlingTensor

// The loops of the LU, Cholesky and triangular families. Each works in place on fresh contiguous
// tensors. LU's factors are row-major (a tensor `[..., m, n]` holds `m`×`n` matrices); the
// right-hand sides, and the Cholesky and triangular matrices LAPACK reads, are stored column by
// column (`Tensor.columnMajorCopy()`: a tensor `[..., n, m]` holds `m`×`n` matrices). Matrix `i`
// starts at `i * m * n`.

/// LU with partial pivoting of every matrix of `matrices` (`[..., m, n]`, fresh and contiguous), in
/// place, by Kindling's recursive kernel (`CKindlingLinalgKernels`): what LAPACK's `?getrf` computes
/// for the same matrices, up to rounding, but row-major. Returns the 1-based pivots
/// (`[..., min(m, n)]`, int32) and `info` per matrix.
struct LUFactorKernel: LAPACKVisitor {
  let matrices: Tensor
  let m: Int, n: Int

  func visit<T: LAPACKScalar>(_: T.Type) -> (pivots: Tensor, info: [Int32]) {
    let k = Swift.min(m, n)
    let batch = Array(matrices.shape.dropLast(2))
    let count = batch.reduce(1, *)
    let pivots = Tensor(uninitializedShape: batch + [k], dtype: .int32)
    var info = [Int32](repeating: 0, count: count)
    guard k > 0 else { return (pivots, info) }
    let a = matrices.linalgPointer(as: T.self)
    let p = pivots.linalgPointer(as: Int32.self)
    let work = UnsafeMutablePointer<T>.allocate(capacity: m * Int(KINDLING_LU_PANEL))
    defer { work.deallocate() }
    for i in 0..<count {
      info[i] = T.getrfRowMajor(Int32(m), Int32(n), a + i * m * n, Int32(n), p + i * k, work)
    }
    return (pivots, info)
  }
}

/// Solves `op(A) X = B` in place in `rhs` (`[..., k, n]`, column-major `n`×`k`) from the row-major
/// factors (`[..., n, n]`) and pivots (`[..., n]`) of ``LUFactorKernel``, batch for batch
/// (`kindling_getrs_*`, LAPACK's `?getrs` for factors stored by rows).
struct LUSolveKernel: LAPACKVisitor {
  let factors: Tensor, pivots: Tensor, rhs: Tensor
  let transpose: Bool

  func visit<T: LAPACKScalar>(_: T.Type) {
    let n = factors.shape[factors.rank - 1]
    let k = rhs.shape[rhs.rank - 2]
    guard n > 0, k > 0 else { return }
    let count = MatrixChecks.batchCount(factors)
    let a = factors.linalgPointer(as: T.self)
    let p = pivots.linalgPointer(as: Int32.self)
    let b = rhs.linalgPointer(as: T.self)
    for i in 0..<count {
      T.getrsRowMajor(transpose, Int32(n), Int32(k), a + i * n * n, p + i * n, b + i * n * k)
    }
  }
}

/// `?potrf` of the lower triangle of every matrix of `factors` (`[..., n, n]`), in place; `info`
/// per matrix. Always the lower one: OpenBLAS factors it faster (see `Linalg.choleskyCore`).
struct CholeskyKernel: LAPACKVisitor {
  let factors: Tensor

  func visit<T: LAPACKScalar>(_: T.Type) -> [Int32] {
    let n = factors.shape[factors.rank - 1]
    let count = MatrixChecks.batchCount(factors)
    guard n > 0 else { return [Int32](repeating: 0, count: count) }
    let a = factors.linalgPointer(as: T.self)
    return (0..<count).map { i in T.potrf(LAPACKFlag.lower, Int32(n), a + i * n * n, Int32(n)) }
  }
}

/// `?potrs`: solves `A X = B` in place in `rhs` (`[..., k, n]`) from Cholesky factors
/// (`[..., n, n]`, the triangle `upper` names).
struct CholeskySolveKernel: LAPACKVisitor {
  let factors: Tensor, rhs: Tensor
  let upper: Bool

  func visit<T: LAPACKScalar>(_: T.Type) {
    let n = factors.shape[factors.rank - 1]
    let k = rhs.shape[rhs.rank - 2]
    guard n > 0, k > 0 else { return }
    let count = MatrixChecks.batchCount(factors)
    let a = factors.linalgPointer(as: T.self)
    let b = rhs.linalgPointer(as: T.self)
    let uplo = upper ? LAPACKFlag.upper : LAPACKFlag.lower
    for i in 0..<count {
      _ = T.potrs(uplo, Int32(n), Int32(k), a + i * n * n, Int32(n), b + i * n * k, Int32(n))
    }
  }
}

/// `?trtrs`: solves `op(A) X = B` in place in `rhs` (`[..., k, n]`) for triangular `A`
/// (`[..., n, n]`). A zero on the diagonal does not stop it: like BLAS's `trsm` (what PyTorch
/// calls), it substitutes anyway and the result holds infinities or NaNs.
struct TriangularSolveKernel: LAPACKVisitor {
  let matrices: Tensor, rhs: Tensor
  let upper: Bool, transpose: Bool, unit: Bool

  func visit<T: LAPACKScalar>(_: T.Type) {
    let n = matrices.shape[matrices.rank - 1]
    let k = rhs.shape[rhs.rank - 2]
    guard n > 0, k > 0 else { return }
    let count = MatrixChecks.batchCount(matrices)
    let a = matrices.linalgPointer(as: T.self)
    let b = rhs.linalgPointer(as: T.self)
    let uplo = upper ? LAPACKFlag.upper : LAPACKFlag.lower
    let trans = transpose ? LAPACKFlag.transpose : LAPACKFlag.no
    let diag = unit ? LAPACKFlag.unit : LAPACKFlag.no
    for i in 0..<count {
      let info = T.trtrs(uplo, trans, diag, Int32(n), Int32(k), a + i * n * n, Int32(n), b + i * n * k, Int32(n))
      if info > 0 { substitute(a + i * n * n, b + i * n * k, n: n, k: k) }
    }
  }

  /// Plain forward or back substitution (the zero-diagonal case that `?trtrs` refuses).
  private func substitute<T: FactorizationScalar>(
    _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, n: Int, k: Int
  ) {
    // op(A)[r, c]: A is column-major, so A[r, c] = a[r + c * n].
    func element(_ r: Int, _ c: Int) -> T { transpose ? a[c + r * n] : a[r + c * n] }
    // op(A) is upper triangular when exactly one of `upper`, `transpose` holds.
    let effectiveUpper = upper != transpose
    for column in 0..<k {
      let x = b + column * n
      let rows = effectiveUpper ? Array((0..<n).reversed()) : Array(0..<n)
      for r in rows {
        var value = x[r]
        let others = effectiveUpper ? Array((r + 1)..<n) : Array(0..<r)
        for c in others { value -= element(r, c) * x[c] }
        x[r] = unit ? value : value / element(r, r)
      }
    }
  }
}
