import KindlingTensor

// The LAPACK loops of QR and lstsq (eigh's is in EighKernel.swift). Like the factorization
// kernels, each works in place on fresh contiguous tensors whose matrices are stored column by column
// (`Tensor.columnMajorCopy()`): a tensor shaped `[..., n, m]` holds `m`×`n` matrices.

/// `?geqrf` on every matrix of `factors` (`[..., n, m]`, column-major `m`×`n`), in place; returns
/// the reflectors' scalars `tau` (`[..., min(m, n)]`).
struct QRFactorKernel: LAPACKVisitor {
  let factors: Tensor
  let m: Int, n: Int

  func visit<T: LAPACKScalar>(_: T.Type) -> Tensor {
    let k = Swift.min(m, n)
    let count = MatrixChecks.batchCount(factors)
    let tau = Tensor.zeros(Array(factors.shape.dropLast(2)) + [k], dtype: factors.dtype)
    guard k > 0 else { return tau }
    let a = factors.linalgPointer(as: T.self)
    let t = tau.linalgPointer(as: T.self)
    let (m, n, lda) = (Int32(m), Int32(n), Int32(m))
    var space = Workspace<T> { w, _ in T.geqrf(m, n, a, lda, t, w, -1) }
    let lwork = space.lwork
    for i in 0..<count {
      _ = space.run { w, _ in T.geqrf(m, n, a + i * self.m * self.n, lda, t + i * k, w, lwork) }
    }
    return tau
  }
}

/// `?orgqr`: overwrites `q` (`[..., columns, m]`, column-major `m`×`columns`, holding `?geqrf`'s
/// reflectors in its first `k` columns) with the first `columns` columns of `Q`.
struct QRGenerateKernel: LAPACKVisitor {
  let q: Tensor, tau: Tensor
  let m: Int, columns: Int, k: Int

  func visit<T: LAPACKScalar>(_: T.Type) {
    guard m > 0, columns > 0 else { return }
    let count = MatrixChecks.batchCount(q)
    let a = q.linalgPointer(as: T.self)
    let t = tau.linalgPointer(as: T.self)
    let (m32, c32, k32) = (Int32(m), Int32(columns), Int32(k))
    var space = Workspace<T> { w, _ in T.orgqr(m32, c32, k32, a, m32, t, w, -1) }
    let lwork = space.lwork
    for i in 0..<count {
      _ = space.run { w, _ in T.orgqr(m32, c32, k32, a + i * m * columns, m32, t + i * k, w, lwork) }
    }
  }
}

/// The LAPACK least-squares drivers `torch.linalg.lstsq` takes.
enum LstsqDriver: String {
  case gels, gelsy, gelsd, gelss
}

/// A least-squares driver on every pair of `matrices` (`[..., n, m]`, column-major `m`×`n`,
/// overwritten) and `rhs` (`[..., k, max(m, n)]`, column-major, overwritten with the solution in
/// its first `n` rows and, for `m > n`, components of the residuals below). Returns the rank per
/// matrix (not computed by `gels`), the singular values (`[..., min(m, n)]`, `gelsd` and `gelss`
/// only) and `info` per matrix.
struct LstsqKernel: LAPACKVisitor {
  let matrices: Tensor, rhs: Tensor
  let m: Int, n: Int
  let driver: LstsqDriver
  let rcond: Double

  func visit<T: LAPACKScalar>(_: T.Type) -> (rank: [Int32], singularValues: Tensor?, info: [Int32]) {
    let count = MatrixChecks.batchCount(matrices)
    let k = rhs.shape[rhs.rank - 2]
    let ldb = rhs.shape[rhs.rank - 1]
    let kMin = Swift.min(m, n)
    let withSingular = driver == .gelsd || driver == .gelss
    let singular = withSingular ? Tensor.zeros(Array(matrices.shape.dropLast(2)) + [kMin], dtype: matrices.dtype) : nil
    var rank = [Int32](repeating: 0, count: count)
    var info = [Int32](repeating: 0, count: count)
    guard kMin > 0 else { return (rank, singular, info) }
    let a = matrices.linalgPointer(as: T.self)
    let b = rhs.linalgPointer(as: T.self)
    let s = singular?.linalgPointer(as: T.self)
    let (m32, n32, k32, ldb32) = (Int32(m), Int32(n), Int32(k), Int32(ldb))
    let cutoff = T(rcond)
    var jpvt = [Int32](repeating: 0, count: n)
    var r: Int32 = 0
    var space = Workspace<T> { w, iw in
      switch driver {
      case .gels: return T.gels(m32, n32, k32, a, m32, b, ldb32, w, -1)
      case .gelsy: return T.gelsy(m32, n32, k32, a, m32, b, ldb32, &jpvt, cutoff, &r, w, -1)
      case .gelsd: return T.gelsd(m32, n32, k32, a, m32, b, ldb32, s!, cutoff, &r, w, -1, iw)
      case .gelss: return T.gelss(m32, n32, k32, a, m32, b, ldb32, s!, cutoff, &r, w, -1)
      }
    }
    let lwork = space.lwork
    for i in 0..<count {
      let ai = a + i * m * n
      let bi = b + i * ldb * k
      let si = s.map { $0 + i * kMin }
      for j in jpvt.indices { jpvt[j] = 0 }
      info[i] = space.run { w, iw in
        switch driver {
        case .gels: return T.gels(m32, n32, k32, ai, m32, bi, ldb32, w, lwork)
        case .gelsy: return T.gelsy(m32, n32, k32, ai, m32, bi, ldb32, &jpvt, cutoff, &r, w, lwork)
        case .gelsd: return T.gelsd(m32, n32, k32, ai, m32, bi, ldb32, si!, cutoff, &r, w, lwork, iw)
        case .gelss: return T.gelss(m32, n32, k32, ai, m32, bi, ldb32, si!, cutoff, &r, w, lwork)
        }
      }
      rank[i] = r
    }
    return (rank, singular, info)
  }
}
