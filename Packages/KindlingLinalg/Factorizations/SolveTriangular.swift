import KindlingTensor

extension Linalg {
  /// Solves `A X = B` (or `X A = B` with `left: false`) for a triangular `A`
  /// (`torch.linalg.solve_triangular`).
  ///
  /// Only the triangle `upper` names is read; with `unitriangular` the diagonal is taken as ones
  /// and not read either. `A` is `[..., n, n]`, `B` `[..., n, k]` (`[..., k, n]` when `left` is
  /// false, and at least 2-dimensional: no vector case); batch dimensions broadcast. A zero on the
  /// diagonal gives infinities or NaNs, not an error, as in PyTorch. Differentiable in `A` (its
  /// gradient lies in the same triangle) and `B` (`LinalgSolveTriangularBackward0`).
  ///
  /// ```swift
  /// let a = Tensor([[2.0, 1.0], [0.0, 4.0]])
  /// let x = Linalg.solveTriangular(a, Tensor([[3.0], [4.0]]), upper: true)   // [[1], [1]]
  /// ```
  public static func solveTriangular(
    _ a: Tensor, _ b: Tensor, upper: Bool, left: Bool = true, unitriangular: Bool = false
  ) -> Tensor {
    let op = "linalg.solve_triangular"
    precondition(b.rank >= 2, "\(op): The input tensor B must have at least 2 dimensions.")
    MatrixChecks.square(a, op: op)
    MatrixChecks.matrix(b, op: op, name: "B")
    let n = a.shape[a.rank - 1]
    precondition(fits(b, n: n, left: left), incompatibleShapes(op, n: n, b: b, left: left))
    // PyTorch promotes mixed float32/float64 operands.
    let dtype: DType = a.dtype == b.dtype ? a.dtype : .float64
    return solveTriangularCore(a.to(dtype), b.to(dtype), upper: upper, left: left, unitriangular: unitriangular)
  }

  /// ``solveTriangular(_:_:upper:left:unitriangular:)`` without the argument checks (for gradient
  /// rules, whose operands fit by construction).
  static func solveTriangularCore(_ a: Tensor, _ b: Tensor, upper: Bool, left: Bool, unitriangular: Bool) -> Tensor {
    let n = a.shape[a.rank - 1]
    let batch = broadcastBatch(batchShape(a), batchShape(b))
    let x: Tensor = noGrad {
      let matrices = a.detach().expand(batch + [n, n]).columnMajorCopy()
      let rhs = rightHandSide(b.detach().expand(batch + Array(b.shape.suffix(2))), left: left)
      let kernel = TriangularSolveKernel(
        matrices: matrices, rhs: rhs, upper: upper, transpose: !left, unit: unitriangular)
      lapackDispatch(a.dtype, kernel, op: "linalg.solve_triangular", order: Swift.min(n, rhs.shape[rhs.rank - 2]))
      return solution(rhs, left: left)
    }
    return record("LinalgSolveTriangularBackward0", inputs: [a, b], outputs: [x]) { grads, node in
      let a = node.savedInput(0)
      let x = connectedOutput(node)
      let gB = solveTriangularCore(a.mT, grads[0], upper: !upper, left: left, unitriangular: unitriangular)
      guard node.hasEdge(0) else { return [nil, gB] }
      let full = left ? gB.matmul(x.mT).neg() : x.mT.matmul(gB).neg()
      let gA = upper ? full.triu(diagonal: unitriangular ? 1 : 0) : full.tril(diagonal: unitriangular ? -1 : 0)
      return [gA, gB]
    }[0]
  }
}
