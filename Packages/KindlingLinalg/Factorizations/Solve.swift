import KindlingTensor

extension Linalg {
  /// Solves the square system `A X = B` (or `X A = B` with `left: false`), returning LAPACK's
  /// `info` instead of throwing when `A` is singular (`torch.linalg.solve_ex`).
  ///
  /// `A` is `[..., n, n]`. `B` is `[..., n, k]` (`[..., k, n]` when `left` is false), or a batch of
  /// vectors `[..., n]` when it is 1-dimensional or has exactly `A`'s shape less the last
  /// dimension (PyTorch's rule; the result is then a vector too). Batch dimensions broadcast.
  /// `info` (int32, `A`'s batch shape) is 0, or the 1-based index of a zero on `U`'s diagonal, in
  /// which case the result holds infinities or NaNs. Differentiable in `A` and `B`
  /// (`LinalgSolveExBackward0`).
  ///
  /// ```swift
  /// let a = Tensor([[3.0, 1.0], [1.0, 2.0]])
  /// let (x, info) = Linalg.solveEx(a, Tensor([9.0, 8.0]))   // x = [2, 3], info = 0
  /// ```
  public static func solveEx(_ a: Tensor, _ b: Tensor, left: Bool = true) -> (result: Tensor, info: Tensor) {
    let (x, info) = solveChecked(a, b, left: left)
    return (x, infoTensor(info, batch: batchShape(a)))
  }

  /// Solves the square system `A X = B` (or `X A = B` with `left: false`)
  /// (`torch.linalg.solve`); see ``solveEx(_:_:left:)`` for shapes and broadcasting.
  ///
  /// ```swift
  /// let x = try Linalg.solve(Tensor([[3.0, 1.0], [1.0, 2.0]]), Tensor([[9.0], [8.0]]))   // [[2], [3]]
  /// ```
  /// - Throws: ``LinalgError/singularSolve(function:batch:)`` when some matrix of `A` is singular
  ///   (exactly, in its LU factorization).
  public static func solve(_ a: Tensor, _ b: Tensor, left: Bool = true) throws(LinalgError) -> Tensor {
    let (x, info) = solveChecked(a, b, left: left)
    if let failure = firstFailure(info, batched: a.rank > 2) {
      throw .singularSolve(function: "torch.linalg.solve", batch: failure.batch)
    }
    return x
  }

  /// The argument checks of `linalg.solve`, then ``solveCore(_:_:left:vector:)``.
  static func solveChecked(_ a: Tensor, _ b: Tensor, left: Bool) -> (Tensor, [Int32]) {
    let op = "linalg.solve"
    MatrixChecks.square(a, op: op)
    precondition(
      b.dtype == a.dtype,
      "\(op): Expected A and B to have the same dtype, but found A of type \(a.dtype.pytorchTitle) and B of type "
        + "\(b.dtype.pytorchTitle) instead")
    precondition(b.rank >= 1, "\(op): The input tensor B must have at least 1 dimensions.")
    let vector = b.rank == 1 || (b.rank == a.rank - 1 && b.shape == Array(a.shape.dropLast()))
    let matrixB = vector ? b.unsqueeze(-1) : b
    let n = a.shape[a.rank - 1]
    precondition(fits(matrixB, n: n, left: left), incompatibleShapes(op, n: n, b: matrixB, left: left))
    return solveCore(a, b, left: left, vector: vector)
  }

  /// Solves with the LU factorization of `A` (its own batch) and a solve from it on the broadcast
  /// batch, and records `LinalgSolveExBackward0`. `vector` says `b` is a batch of vectors.
  static func solveCore(_ a: Tensor, _ b: Tensor, left: Bool, vector: Bool) -> (Tensor, [Int32]) {
    let matrixB = vector ? b.unsqueeze(-1) : b
    let (factors, pivots, info) = luCore(a)
    let batch = broadcastBatch(batchShape(a), batchShape(matrixB))
    var x = luSolveDetached(
      factors: factors, pivots: pivots, b: matrixB.detach(), batch: batch, left: left, adjoint: false)
    if vector { x = x.squeeze(-1) }
    let result = record("LinalgSolveExBackward0", inputs: [a, b], outputs: [x]) { grads, node in
      let a = node.savedInput(0)
      var x = connectedOutput(node)
      var g = grads[0]
      if vector { (x, g) = (x.unsqueeze(-1), g.unsqueeze(-1)) }
      // X = A⁻¹B: gB = A⁻ᵀ gX, gA = -gB Xᵀ (left); X = B A⁻¹: gB = gX A⁻ᵀ, gA = -Xᵀ gB. A first
      // backward reuses the forward's LU factors; a recorded one solves differentiably.
      let gB =
        GradMode.isEnabled
        ? solveCore(a.mT, g, left: left, vector: false).0
        : luSolveDetached(factors: factors, pivots: pivots, b: g, batch: batch, left: left, adjoint: true)
      let gA = node.hasEdge(0) ? (left ? gB.matmul(x.mT) : x.mT.matmul(gB)).neg() : nil
      return [gA, vector ? gB.squeeze(-1) : gB]
    }[0]
    return (result, info)
  }
}
