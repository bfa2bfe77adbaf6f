import KindlingTensor

extension Linalg {
  /// The condition number of a (batch of) matrix for a matrix norm (`torch.linalg.cond`):
  /// `[..., m, n]` → `[...]`.
  ///
  /// With `p` `nil` (the default), `2` or `-2` it is the ratio of the extreme singular values,
  /// `σ_max / σ_min` (`σ_min / σ_max` for `-2`), for any `m`×`n` matrix; a singular matrix gives
  /// infinity (0/0, NaN, for a zero matrix). With `.fro`, `.nuc`, `1`, `-1`, `.inf` or
  /// `.negativeInf` it is `‖A‖ₚ · ‖A⁻¹‖ₚ` (``matrixNorm(_:ord:dim:keepDim:)``, ``inv(_:)``), for
  /// square matrices only; a singular matrix gives infinity, not an error. Differentiable as
  /// that composition.
  ///
  /// ```swift
  /// let a = Tensor([[1.0, 0.0], [0.0, 4.0]], dtype: .float64)
  /// try Linalg.cond(a)           // 4
  /// try Linalg.cond(a, p: .fro)  // 4.25
  /// ```
  /// - Throws: the errors of ``svdvals(_:)`` (for `nil`, `2`, `-2`, and `.nuc`).
  public static func cond(_ a: Tensor, p: MatrixNormOrder? = nil) throws(LinalgError) -> Tensor {
    precondition(a.rank >= 2, "linalg.cond: The input tensor must have at least 2 dimensions.")
    let ord = p ?? 2
    precondition(ord.isSupported, "linalg.cond got an invalid norm type: \(ord)")
    if case .p(let x) = ord, Swift.abs(x) == 2 {
      let s = try svdvals(a)
      let k = s.shape[s.rank - 1]
      guard k > 0 else { return Tensor.zeros(batchShape(a), dtype: a.dtype) }
      let largest = s.narrow(dim: s.rank - 1, start: 0, length: 1).squeeze(-1)
      let smallest = s.narrow(dim: s.rank - 1, start: k - 1, length: 1).squeeze(-1)
      return x > 0 ? largest / smallest : smallest / largest
    }
    MatrixChecks.matrix(a, op: "linalg.cond")
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    precondition(
      m == n, "linalg.cond(ord=\(ord)): A must be batches of square matrices, but they are \(m) by \(n) matrices")
    // A singular matrix's inverse is taken as infinite, so its condition number is infinity
    // (set once more on the product, where ‖A‖ = 0 would make it NaN).
    let (inverse, info) = invEx(a)
    let singular = info .> 0
    let filled = inverse.maskedFill(singular.unsqueeze(-1).unsqueeze(-1), .infinity)
    return try (matrixNorm(a, ord: ord) * matrixNorm(filled, ord: ord)).maskedFill(singular, .infinity)
  }
}
