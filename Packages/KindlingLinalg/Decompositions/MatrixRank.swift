import KindlingTensor

extension Linalg {
  /// The numerical rank of a (batch of) matrix (`torch.linalg.matrix_rank`): the number of
  /// singular values above `max(atol, rtol · σ_max)`, as an int64 tensor of the batch shape.
  ///
  /// The tolerances follow ``pinv(_:atol:rtol:hermitian:)``: with neither given,
  /// `rtol = max(m, n) · ε`; with only `atol > 0`, `rtol = 0`. `hermitian: true` reads only the
  /// lower triangle of a symmetric `A` (and counts the eigenvalues by absolute value, which are
  /// the singular values of the mirrored triangle). Not differentiable (an integer).
  ///
  /// ```swift
  /// let a = Tensor([[1.0, 2.0], [2.0, 4.0]], dtype: .float64)
  /// try Linalg.matrixRank(a)                 // 1
  /// try Linalg.matrixRank(Tensor.eye(3, dtype: .float64) * 1e-3, atol: 0.01)   // 0
  /// ```
  /// - Throws: ``svdvals(_:)``'s errors (a NaN in `A`), naming `linalg.svd`.
  public static func matrixRank(
    _ a: Tensor, atol: Double? = nil, rtol: Double? = nil, hermitian: Bool = false
  ) throws(LinalgError) -> Tensor {
    let op = "torch.linalg.matrix_rank"
    MatrixChecks.matrix(a, op: op, name: "input")
    let (atol, rtol) = tolerances(a, atol: atol, rtol: rtol)
    let input = noGrad { hermitian ? mirroredLower(a.detach()) : a.detach() }
    let r = svdKernel(input, mode: .valuesOnly)
    try checkSVD(r.info, op: "linalg.svd", batched: a.rank > 2)
    return noGrad {
      guard r.s.shape[r.s.rank - 1] > 0 else { return Tensor.zeros(batchShape(a), dtype: .int64) }
      return (r.s .> cutOff(r.s, atol: atol, rtol: rtol)).sum(dim: -1, dtype: .int64)
    }
  }
}
