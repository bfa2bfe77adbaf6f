import KindlingTensor

/// Which factors ``Linalg/qr(_:mode:)`` returns (PyTorch's `mode` of `torch.linalg.qr`), for an
/// `m`×`n` matrix and `k = min(m, n)`.
public enum QRMode: String, Sendable {
  /// `Q` `m`×`k` with orthonormal columns, `R` `k`×`n` (the default).
  case reduced
  /// `Q` `m`×`m` orthogonal, `R` `m`×`n`.
  case complete
  /// `R` (`k`×`n`) only; `Q` is an empty tensor (shape `[0]`).
  case r
}

extension Linalg {
  /// The QR decomposition `A = Q R` of a (batch of) matrix (`torch.linalg.qr`), by Householder
  /// reflectors (LAPACK's `?geqrf` and `?orgqr`).
  ///
  /// `A` is `[..., m, n]` with any `m` and `n`; `R` is upper triangular. Shapes by `mode`, with
  /// `k = min(m, n)`: `.reduced` gives `Q` `[..., m, k]` and `R` `[..., k, n]`; `.complete` gives
  /// `Q` `[..., m, m]` and `R` `[..., m, n]`; `.r` gives `R` `[..., k, n]` and an empty `Q` (`[0]`).
  /// As in LAPACK and PyTorch, `R`'s diagonal may hold negative numbers.
  ///
  /// Differentiable (`LinalgQrBackward0`, twice too) for `.reduced`, and for `.complete` when
  /// `m <= n`, as in PyTorch. Backward through `.r`, or through `.complete` with `m > n`, stops
  /// with PyTorch's message. The gradient needs `R` invertible (`A`'s first `k` columns of full
  /// rank).
  ///
  /// ```swift
  /// let a = Tensor([[3.0, 1.0], [4.0, 2.0]], dtype: .float64)
  /// let (q, r) = Linalg.qr(a)
  /// // q = [[-0.6, -0.8], [-0.8, 0.6]], r = [[-5, -2.2], [0, 0.4]]; q.matmul(r) ≈ a
  /// let (_, rOnly) = Linalg.qr(Tensor.randn([2, 5, 3]), mode: .r)   // rOnly: [2, 3, 3]
  /// ```
  public static func qr(_ a: Tensor, mode: QRMode = .reduced) -> (Q: Tensor, R: Tensor) {
    MatrixChecks.matrix(a, op: "linalg.qr")
    return qrCore(a, mode: mode)
  }

  /// `?geqrf` and `?orgqr` on a column-major copy of `a`, recorded as `LinalgQrBackward0`.
  static func qrCore(_ a: Tensor, mode: QRMode) -> (Q: Tensor, R: Tensor) {
    let rank = a.rank
    let m = a.shape[rank - 2]
    let n = a.shape[rank - 1]
    let k = Swift.min(m, n)
    let (q, r): (Tensor, Tensor) = noGrad {
      let factors = a.detach().columnMajorCopy()
      let tau = lapackDispatch(a.dtype, QRFactorKernel(factors: factors, m: m, n: n), op: "linalg.qr", order: k)
      let r = factors.mT.narrow(dim: rank - 2, start: 0, length: mode == .complete ? m : k).triu()
      guard mode != .r else { return (Tensor.zeros([0], dtype: a.dtype), r) }
      // Q's columns start as the reflectors (zero-padded to m columns for a complete Q).
      let columns = mode == .complete ? m : k
      var reflectors = factors.narrow(dim: rank - 2, start: 0, length: Swift.min(columns, n))
      if columns > n {
        let padding = Tensor.zeros(batchShape(a) + [columns - n, m], dtype: a.dtype)
        reflectors = Tensor.cat([reflectors, padding], dim: rank - 2)
      }
      let q = reflectors.isContiguous ? reflectors.clone() : reflectors.contiguous()
      lapackDispatch(
        a.dtype, QRGenerateKernel(q: q, tau: tau, m: m, columns: columns, k: k), op: "linalg.qr",
        order: k)
      return (q.mT, r)
    }
    let (savedQ, savedR) = (q, r)
    let outputs = record("LinalgQrBackward0", inputs: [a], outputs: [q, r]) { grads, node in
      precondition(
        mode != .r,
        "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
          + "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
      precondition(
        mode != .complete || m <= n,
        "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
      var (q, r) = (savedQ, savedR)
      // Recorded (a gradient of the gradient), the factors must depend on A: factor it again.
      if GradMode.isEnabled { (q, r) = qrCore(node.savedInput(0), mode: mode) }
      return [qrBackward(gQ: grads[0], gR: grads[1], q: q, r: r, m: m, n: n)]
    }
    return (outputs[0], outputs[1])
  }

  /// The gradient of `A` from those of `Q` and `R` (`Q` `m`×`k`, `R` `k`×`n`).
  ///
  /// For `m >= n`, from `dA = dQ R + Q dR` with `Qᵀ dQ` skew-symmetric and `dR R⁻¹` upper
  /// triangular: `gA = (gQ + Q S) R⁻ᵀ`, where `S` is the symmetric matrix whose upper triangle is
  /// that of `N = gR Rᵀ - Qᵀ gQ`. For `m < n`, `A = Q [U | V]` splits into the square
  /// factorization of its first `m` columns `X = Q U` and `Y = Q V`: `gY = Q gV`, and `X` takes
  /// the square rule with `gQ + Y gVᵀ`.
  static func qrBackward(gQ: Tensor, gR: Tensor, q: Tensor, r: Tensor, m: Int, n: Int) -> Tensor {
    let last = r.rank - 1
    guard m < n else { return qrBackwardTall(gQ: gQ, gR: gR, q: q, r: r) }
    let u = r.narrow(dim: last, start: 0, length: m)
    let v = r.narrow(dim: last, start: m, length: n - m)
    let gU = gR.narrow(dim: last, start: 0, length: m)
    let gV = gR.narrow(dim: last, start: m, length: n - m)
    let y = q.matmul(v)
    let gX = qrBackwardTall(gQ: gQ + y.matmul(gV.mT), gR: gU, q: q, r: u)
    return Tensor.cat([gX, q.matmul(gV)], dim: last)
  }

  /// ``qrBackward(gQ:gR:q:r:m:n:)`` for `m >= n` (square `R`).
  private static func qrBackwardTall(gQ: Tensor, gR: Tensor, q: Tensor, r: Tensor) -> Tensor {
    let nMatrix = gR.matmul(r.mT) - q.mT.matmul(gQ)
    let s = nMatrix.triu() + nMatrix.triu(diagonal: 1).mT
    return solveTriangularCore(r.mT, gQ + q.matmul(s), upper: false, left: false, unitriangular: false)
  }
}
