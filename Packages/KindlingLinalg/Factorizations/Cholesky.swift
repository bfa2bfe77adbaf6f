import KindlingTensor

extension Linalg {
  /// The Cholesky factor of a (batch of) symmetric positive-definite matrix, with LAPACK's
  /// `info` instead of an error (`torch.linalg.cholesky_ex`).
  ///
  /// `A = L Lᵀ` with `L` lower triangular with a positive diagonal (`upper: true` returns
  /// `U = Lᵀ`, `A = Uᵀ U`). Only the lower (upper) triangle of `A` is read. `info` (int32, batch
  /// shape) is 0, or the order of the leading minor that is not positive-definite, where `L`
  /// holds LAPACK's partial result. Differentiable (`LinalgCholeskyExBackward0`), twice too.
  ///
  /// ```swift
  /// let (l, info) = Linalg.choleskyEx(Tensor([[4.0, 2.0], [2.0, 5.0]]))   // [[2, 0], [1, 2]], 0
  /// ```
  public static func choleskyEx(_ a: Tensor, upper: Bool = false) -> (L: Tensor, info: Tensor) {
    MatrixChecks.square(a, op: "linalg.cholesky")
    let (l, info) = choleskyCore(a, upper: upper)
    return (l, infoTensor(info, batch: batchShape(a)))
  }

  /// The Cholesky factor of a (batch of) symmetric positive-definite matrix
  /// (`torch.linalg.cholesky`); see ``choleskyEx(_:upper:)``.
  ///
  /// ```swift
  /// let l = try Linalg.cholesky(Tensor([[4.0, 2.0], [2.0, 5.0]]))   // [[2, 0], [1, 2]]
  /// ```
  /// - Throws: ``LinalgError/notPositiveDefinite(function:order:batch:)`` naming the first leading
  ///   minor that is not positive-definite, with PyTorch's message.
  public static func cholesky(_ a: Tensor, upper: Bool = false) throws(LinalgError) -> Tensor {
    MatrixChecks.square(a, op: "linalg.cholesky")
    let (l, info) = choleskyCore(a, upper: upper)
    if let failure = firstFailure(info, batched: a.rank > 2) {
      throw .notPositiveDefinite(function: "linalg.cholesky", order: failure.code, batch: failure.batch)
    }
    return l
  }

  /// `?potrf` and the `LinalgCholeskyExBackward0` record.
  static func choleskyCore(_ a: Tensor, upper: Bool) -> (Tensor, [Int32]) {
    // OpenBLAS's `potrf` factors a lower triangle faster than an upper one (n = 256: 156 against
    // 246 µs), so LAPACK always gets a lower one. For `L`, that of a column-major copy. For `U`,
    // that of a plain row-major copy, which LAPACK reads as Aᵀ: its lower triangle is A's upper
    // one, and the `Lᵀ = U` it computes there reads back row by row as `U`.
    let factors = noGrad { upper ? a.detach().clone() : a.detach().columnMajorCopy() }
    let info = lapackDispatch(
      a.dtype, CholeskyKernel(factors: factors), op: "linalg.cholesky", order: a.shape[a.rank - 1])
    let factor = noGrad { upper ? factors.triu() : factors.mT.tril() }
    let result = record("LinalgCholeskyExBackward0", inputs: [a], outputs: [factor]) { grads, node in
      var l = connectedOutput(node)
      var gL = grads[0]
      if upper { (l, gL) = (l.mT, gL.mT) }
      // PyTorch's cholesky_backward: gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, symmetrized (Φ: lower triangle,
      // diagonal halved).
      var gA = l.mT.matmul(gL).tril()
      gA = (gA + gA.tril(diagonal: -1).mT) * 0.5
      gA = solveTriangularCore(l.mT, gA, upper: true, left: true, unitriangular: false)
      gA = solveTriangularCore(l, gA, upper: false, left: false, unitriangular: false)
      return [gA]
    }[0]
    return (result, info)
  }

  /// Solves `A X = B` for a symmetric positive-definite `A` from its Cholesky factor
  /// (`torch.cholesky_solve`, with PyTorch's argument order: `B` first).
  ///
  /// `l` is `L` (`[..., n, n]`, `A = L Lᵀ`; only its lower triangle is read) or, with
  /// `upper: true`, `U` (`A = Uᵀ U`). `B` is `[..., n, k]`; batch dimensions broadcast.
  /// Differentiable in `B` and `l` (`CholeskySolveBackward0`; like PyTorch, the gradient of `l` is
  /// a full matrix, not restricted to the triangle read).
  ///
  /// ```swift
  /// let l = try Linalg.cholesky(a)
  /// let x = Linalg.choleskySolve(b, l)   // a x = b
  /// ```
  public static func choleskySolve(_ b: Tensor, _ l: Tensor, upper: Bool = false) -> Tensor {
    precondition(b.rank >= 2, "b should have at least 2 dimensions, but has \(b.rank) dimensions instead")
    precondition(l.rank >= 2, "u should have at least 2 dimensions, but has \(l.rank) dimensions instead")
    let n = l.shape[l.rank - 1]
    precondition(
      l.shape[l.rank - 2] == n,
      "A must be batches of square matrices, but they are \(l.shape[l.rank - 2]) by \(n) matrices")
    precondition(
      b.shape[b.rank - 2] == n,
      "Incompatible matrix sizes for cholesky_solve: each A matrix is \(n) by \(n) but each b matrix is "
        + "\(b.shape[b.rank - 2]) by \(b.shape[b.rank - 1])")
    precondition(
      b.dtype == l.dtype,
      "Expected b and A to have the same dtype, but found b of type \(b.dtype.pytorchTitle) and A of type "
        + "\(l.dtype.pytorchTitle) instead.")
    MatrixChecks.matrix(l, op: "cholesky_solve")
    let batch = broadcastBatch(batchShape(b), batchShape(l))
    let x: Tensor = noGrad {
      let factors = l.detach().expand(batch + [n, n]).columnMajorCopy()
      let rhs = b.detach().expand(batch + Array(b.shape.suffix(2))).columnMajorCopy()
      lapackDispatch(
        b.dtype, CholeskySolveKernel(factors: factors, rhs: rhs, upper: upper), op: "cholesky_solve",
        order: Swift.min(n, rhs.shape[rhs.rank - 2]))
      return rhs.mT
    }
    return record("CholeskySolveBackward0", inputs: [b, l], outputs: [x]) { grads, node in
      let l = node.savedInput(1)
      let x = connectedOutput(node)
      let gB = choleskySolve(grads[0], l, upper: upper)
      guard node.hasEdge(1) else { return [gB, nil] }
      var common = gB.matmul(x.mT)
      common = common + common.mT
      return [gB, upper ? l.matmul(common).neg() : common.matmul(l).neg()]
    }[0]
  }
}
