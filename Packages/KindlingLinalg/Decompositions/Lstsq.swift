import KindlingTensor

extension Linalg {
  /// The least-squares solution of `A X = B` (`torch.linalg.lstsq`, as on PyTorch's CPU): `X`
  /// minimizes `‖A X - B‖` column by column; where that leaves freedom (`A` without full column
  /// rank), the drivers other than `gels` return the `X` of least norm.
  ///
  /// `A` is `[..., m, n]` and `B` `[..., m, k]`, or a batch of vectors `[..., m]` when it has one
  /// dimension less than `A` (the solution is then `[..., n]`); batch dimensions broadcast.
  /// `driver` is LAPACK's routine: `"gelsy"` (the default: QR with column pivoting), `"gels"`
  /// (QR, for full-rank `A` only), `"gelsd"` or `"gelss"` (SVD). `rcond` sets the rank cut-off for
  /// all but `gels`: singular values below `rcond` times the largest count as zero; `nil` takes
  /// the dtype's machine epsilon times `max(m, n)`, as PyTorch.
  ///
  /// The outputs follow PyTorch's rules:
  /// - `solution`: `[..., n, k]` (`[..., n]` for vectors).
  /// - `residuals`: the squared residual norm of each column (`[..., k]`; `[..., 1]` for vectors)
  ///   when `m > n`, the driver is not `gelsy` and every matrix has full rank (always assumed by
  ///   `gels`); otherwise an empty tensor (`[0]`).
  /// - `rank`: int64, batch shape; empty for `gels`, which does not compute it.
  /// - `singularValues`: `[..., min(m, n)]` for `gelsd` and `gelss`, otherwise empty.
  ///
  /// `solution` and `residuals` are differentiable in `A` and `B` (`LinalgLstsqBackward0`), twice
  /// too. The gradient is written for `A` of full rank (full column rank when `m >= n`, full row
  /// rank otherwise), through the normal equations; PyTorch's, through the pseudo-inverse, also
  /// covers rank-deficient `A`, where this one is not finite.
  ///
  /// ```swift
  /// let a = Tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype: .float64)
  /// let b = Tensor([1.0, 2.0, 4.0], dtype: .float64)
  /// let fit = try Linalg.lstsq(a, b, driver: "gelsd")
  /// // fit.solution = [0.8333, 1.5], fit.residuals = [0.1667], fit.rank = 2,
  /// // fit.singularValues = [2.6762, 0.9153]
  /// ```
  /// - Throws: ``LinalgError/notFullRank(function:info:batch:)`` when `gels` meets a matrix
  ///   without full rank (or the SVD of `gelsd`/`gelss` does not converge), with PyTorch's message.
  public static func lstsq(
    _ a: Tensor, _ b: Tensor, rcond: Double? = nil, driver: String? = nil
  ) throws(LinalgError) -> (solution: Tensor, residuals: Tensor, rank: Tensor, singularValues: Tensor) {
    let op = "torch.linalg.lstsq"
    precondition(a.rank >= 2, "\(op): input must have at least 2 dimensions.")
    precondition(b.rank >= 1, "\(op): other must have at least 1 dimension.")
    precondition(
      a.dtype == .float32 || a.dtype == .float64,
      "\(op): Expected a floating point or complex tensor as input. Got \(a.dtype.pytorchTitle)")
    precondition(
      a.dtype == b.dtype,
      "\(op): Expected input and other to have the same dtype, but got input's dtype \(a.dtype.pytorchTitle) and "
        + "other's dtype \(b.dtype.pytorchTitle)")
    let vector = a.rank - b.rank == 1
    precondition(
      vector || a.rank == b.rank,
      "\(op): input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1")
    let matrixB = vector ? b.unsqueeze(-1) : b
    precondition(
      a.shape[a.rank - 2] == matrixB.shape[matrixB.rank - 2],
      "\(op): input.size(-2) should match other.size(\(vector ? -1 : -2))")
    guard let lapackDriver = LstsqDriver(rawValue: driver ?? "gelsy") else {
      preconditionFailure("\(op): parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    }
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let epsilon = a.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
    let cutoff = rcond ?? epsilon * Double(Swift.max(m, n))
    return try lstsqCore(a, b, vector: vector, driver: lapackDriver, rcond: cutoff)
  }

  /// The driver on broadcast column-major copies, PyTorch's outputs, and the
  /// `LinalgLstsqBackward0` record.
  private static func lstsqCore(
    _ a: Tensor, _ b: Tensor, vector: Bool, driver: LstsqDriver, rcond: Double
  ) throws(LinalgError) -> (solution: Tensor, residuals: Tensor, rank: Tensor, singularValues: Tensor) {
    let op = "torch.linalg.lstsq"
    let matrixB = vector ? b.unsqueeze(-1) : b
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let k = matrixB.shape[matrixB.rank - 1]
    let batch = broadcastBatch(batchShape(a), batchShape(matrixB))
    let rowDim = batch.count
    let (matrices, rhs): (Tensor, Tensor) = noGrad {
      let matrices = a.detach().expand(batch + [m, n]).columnMajorCopy()
      // LAPACK writes the n rows of the solution over B, so B has max(m, n) rows.
      var padded = matrixB.detach().expand(batch + [m, k])
      if n > m { padded = Tensor.cat([padded, Tensor.zeros(batch + [n - m, k], dtype: a.dtype)], dim: rowDim) }
      return (matrices, padded.columnMajorCopy())
    }
    let kernel = LstsqKernel(matrices: matrices, rhs: rhs, m: m, n: n, driver: driver, rcond: rcond)
    let (ranks, singular, info) = lapackDispatch(a.dtype, kernel, op: op, order: Swift.min(m, n))
    if let failure = firstFailure(info, batched: info.count > 1) {
      throw .notFullRank(function: op, info: failure.code, batch: failure.batch)
    }
    let (x, residuals): (Tensor, Tensor) = noGrad {
      let x = rhs.mT.narrow(dim: rowDim, start: 0, length: n)
      // Below the solution, LAPACK leaves B's components orthogonal to A's columns.
      let fullRank = driver == .gels || ranks.allSatisfy { Int($0) == n }
      guard m > n, driver != .gelsy, fullRank else { return (x, Tensor.zeros([0], dtype: a.dtype)) }
      return (x, rhs.mT.narrow(dim: rowDim, start: n, length: m - n).square().sum(dim: rowDim))
    }
    // Like PyTorch, rank and singular values keep A's batch shape (B's batch does not change them).
    let rank =
      driver == .gels
      ? Tensor.zeros([0], dtype: .int64)
      : restrictBatch(infoTensor(ranks, batch: batch).to(.int64), from: batch, to: batchShape(a))
    let singularValues =
      singular.map { restrictBatch($0, from: batch, to: batchShape(a)) } ?? Tensor.zeros([0], dtype: a.dtype)
    let hasResiduals = residuals.rank > 1 || residuals.shape != [0]
    let outputs = record(
      "LinalgLstsqBackward0", inputs: [a, b], outputs: [vector ? x.squeeze(-1) : x, residuals]
    ) { grads, node in
      let a = node.savedInput(0)
      let b = vector ? node.savedInput(1).unsqueeze(-1) : node.savedInput(1)
      // Recorded (a gradient of the gradient), the solution must depend on A and B: solve again.
      let x = GradMode.isEnabled ? lstsqFullRank(a, b) : x
      var (gA, gB) = lstsqSolutionBackward(vector ? grads[0].unsqueeze(-1) : grads[0], a: a, b: b, x: x)
      if hasResiduals {
        // residuals = Σᵢ (A X - B)ᵢ²; at the minimum, only its explicit dependence on A and B counts.
        let weighted = (a.matmul(x) - b) * grads[1].unsqueeze(-2) * 2
        gA = gA + weighted.matmul(x.mT)
        gB = gB - weighted
      }
      return [gA, vector ? gB.squeeze(-1) : gB]
    }
    return (outputs[0], outputs[1], rank, singularValues)
  }

  /// The part of `t` (shaped `broadcast` + more) that belongs to `batch`, which broadcasts to
  /// `broadcast`: the first element along every dimension that `batch` lacks or has as 1.
  private static func restrictBatch(_ t: Tensor, from broadcast: [Int], to batch: [Int]) -> Tensor {
    var t = t
    let extra = broadcast.count - batch.count
    for _ in 0..<extra { t = t.select(dim: 0, index: 0) }
    for (dim, size) in batch.enumerated() where size != broadcast[extra + dim] {
      t = t.narrow(dim: dim, start: 0, length: size)
    }
    return t.contiguous()
  }

  /// The least-squares solution for `A` of full rank through the normal equations, with
  /// differentiable ops: `(AᵀA)⁻¹ Aᵀ B` when `m >= n`, `Aᵀ (AAᵀ)⁻¹ B` otherwise.
  static func lstsqFullRank(_ a: Tensor, _ b: Tensor) -> Tensor {
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    if m >= n { return solveCore(a.mT.matmul(a), a.mT.matmul(b), left: true, vector: false).0 }
    return a.mT.matmul(solveCore(a.matmul(a.mT), b, left: true, vector: false).0)
  }

  /// The gradients of `A` and `B` from that of the solution `X` (`gX`), for `A` of full rank.
  ///
  /// With `m >= n` and `Y = (AᵀA)⁻¹ gX`: `gB = A Y`, `gA = (B - A X) Yᵀ - A Y Xᵀ`. With `m < n`,
  /// `Z = (AAᵀ)⁻¹ B` (so `X = Aᵀ Z`) and `W = (AAᵀ)⁻¹ A gX`: `gB = W`, `gA = Z (gX - Aᵀ W)ᵀ - W Xᵀ`.
  static func lstsqSolutionBackward(_ gX: Tensor, a: Tensor, b: Tensor, x: Tensor) -> (Tensor, Tensor) {
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    if m >= n {
      let y = solveCore(a.mT.matmul(a), gX, left: true, vector: false).0
      let gB = a.matmul(y)
      return ((b - a.matmul(x)).matmul(y.mT) - gB.matmul(x.mT), gB)
    }
    let gram = a.matmul(a.mT)
    let z = solveCore(gram, b, left: true, vector: false).0
    let w = solveCore(gram, a.matmul(gX), left: true, vector: false).0
    return (z.matmul((gX - a.mT.matmul(w)).mT) - w.matmul(x.mT), w)
  }
}
