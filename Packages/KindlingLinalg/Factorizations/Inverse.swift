import KindlingTensor

extension Linalg {
  /// The inverse of a (batch of) square matrix, with LAPACK's `info` instead of an error for
  /// singular matrices (`torch.linalg.inv_ex`).
  ///
  /// `A` is `[..., n, n]`; computed, as in PyTorch, by solving `A X = I` through `A`'s LU
  /// factorization. `info` (int32, batch shape) is 0, or the 1-based index of the zero on `U`'s
  /// diagonal, where the inverse holds infinities or NaNs. Differentiable
  /// (`LinalgInvExBackward0`: `gA = -A⁻ᵀ gX A⁻ᵀ`), twice too.
  ///
  /// ```swift
  /// let (inverse, info) = Linalg.invEx(Tensor([[2.0, 0.0], [0.0, 4.0]]))
  /// // inverse = [[0.5, 0], [0, 0.25]], info = 0
  /// ```
  public static func invEx(_ a: Tensor) -> (inverse: Tensor, info: Tensor) {
    MatrixChecks.square(a, op: "linalg.inv")
    let (x, info) = invCore(a)
    return (x, infoTensor(info, batch: batchShape(a)))
  }

  /// The inverse of a (batch of) square matrix (`torch.linalg.inv`); see ``invEx(_:)``.
  ///
  /// ```swift
  /// let inverse = try Linalg.inv(Tensor([[4.0, 7.0], [2.0, 6.0]]))   // [[0.6, -0.7], [-0.2, 0.4]]
  /// ```
  /// - Throws: ``LinalgError/singular(function:element:batch:)`` naming the first zero on `U`'s
  ///   diagonal, with PyTorch's message.
  public static func inv(_ a: Tensor) throws(LinalgError) -> Tensor {
    MatrixChecks.square(a, op: "linalg.inv")
    let (x, info) = invCore(a)
    if let failure = firstFailure(info, batched: a.rank > 2) {
      throw .singular(function: "linalg.inv", element: failure.code, batch: failure.batch)
    }
    return x
  }

  /// The inverse without checks, recorded as `LinalgInvExBackward0`.
  static func invCore(_ a: Tensor) -> (Tensor, [Int32]) {
    let n = a.shape[a.rank - 1]
    let batch = batchShape(a)
    let (factors, pivots, info) = luCore(a)
    let identity = Tensor.eye(n, dtype: a.dtype).expand(batch + [n, n])
    let x = luSolveDetached(factors: factors, pivots: pivots, b: identity, batch: batch, left: true, adjoint: false)
    let result = record("LinalgInvExBackward0", inputs: [a], outputs: [x]) { grads, node in
      let inverse = connectedOutput(node)
      return [inverse.mT.matmul(grads[0]).matmul(inverse.mT).neg()]
    }[0]
    return (result, info)
  }
}
