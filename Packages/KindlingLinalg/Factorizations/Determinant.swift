import Foundation
import KindlingTensor

/// The sign, log-magnitude and value of each determinant from the LU factors
/// (``LUFactorKernel``): the product of `U`'s diagonal, negated once per row swap (accumulated in
/// float64).
struct LUDeterminantKernel: LAPACKVisitor {
  let factors: Tensor, pivots: Tensor

  func visit<T: LAPACKScalar>(_: T.Type) -> [(sign: Double, logAbs: Double, value: Double)] {
    let n = factors.shape[factors.rank - 1]
    let count = MatrixChecks.batchCount(factors)
    let a = factors.linalgPointer(as: T.self)
    let p = pivots.linalgPointer(as: Int32.self)
    return (0..<count).map { b in
      var sign = 1.0
      var logAbs = 0.0
      var value = 1.0
      for i in 0..<n {
        if Int(p[b * n + i]) != i + 1 { sign = -sign; value = -value }
        let u = Double(a[b * n * n + i * n + i])
        value *= u
        logAbs += Foundation.log(Swift.abs(u))
        sign *= u > 0 ? 1 : (u < 0 ? -1 : (u.isNaN ? .nan : 0))
      }
      return (sign, logAbs, value)
    }
  }
}

extension Linalg {
  /// The determinant of a (batch of) square matrix (`torch.linalg.det`): `[..., n, n]` → `[...]`,
  /// from the LU factorization (the product of `U`'s diagonal, signed by the row swaps). A
  /// singular matrix gives 0 (no error); a 0×0 matrix gives 1.
  ///
  /// Differentiable (`LinalgDetBackward0`: `gA = g · det(A) · A⁻ᵀ`), twice too. The gradient is
  /// exact for invertible matrices; at an exactly singular one (where PyTorch switches to an
  /// SVD-based formula) it is not finite.
  ///
  /// ```swift
  /// Linalg.det(Tensor([[1.0, 2.0], [3.0, 4.0]]))   // -2
  /// ```
  public static func det(_ a: Tensor) -> Tensor {
    MatrixChecks.square(a, op: "linalg.det")
    let (factors, pivots, parts) = determinants(a)
    let d = Tensor(scalars: parts.map(\.value), shape: batchShape(a)).to(a.dtype)
    return record("LinalgDetBackward0", inputs: [a], outputs: [d]) { grads, node in
      let d = connectedOutput(node)
      let inverseT = inverseTransposed(node.savedInput(0), factors: factors, pivots: pivots)
      return [(grads[0] * d).unsqueeze(-1).unsqueeze(-1) * inverseT]
    }[0]
  }

  /// The sign and the natural logarithm of the absolute value of the determinant
  /// (`torch.linalg.slogdet`): `[..., n, n]` → two `[...]` tensors, with `det = sign · exp(logabsdet)`
  /// but no overflow or underflow. A singular matrix gives sign 0 and `logabsdet` −∞.
  ///
  /// `logabsdet` is differentiable (`LinalgSlogdetBackward0`: `gA = g · A⁻ᵀ`), twice too; `sign`
  /// is piecewise constant and carries no gradient.
  ///
  /// ```swift
  /// let (sign, logabsdet) = Linalg.slogdet(Tensor([[1.0, 2.0], [3.0, 4.0]]))   // -1, log 2
  /// ```
  public static func slogdet(_ a: Tensor) -> (sign: Tensor, logabsdet: Tensor) {
    MatrixChecks.square(a, op: "linalg.slogdet")
    let (factors, pivots, parts) = determinants(a)
    let batch = batchShape(a)
    let sign = Tensor(scalars: parts.map(\.sign), shape: batch).to(a.dtype)
    let logAbs = Tensor(scalars: parts.map(\.logAbs), shape: batch).to(a.dtype)
    let recorded = record("LinalgSlogdetBackward0", inputs: [a], outputs: [logAbs]) { grads, node in
      let inverseT = inverseTransposed(node.savedInput(0), factors: factors, pivots: pivots)
      return [grads[0].unsqueeze(-1).unsqueeze(-1) * inverseT]
    }[0]
    return (sign, recorded)
  }

  /// The LU factors of `a` and the determinant's parts for each of its matrices.
  static func determinants(_ a: Tensor) -> (Tensor, Tensor, [(sign: Double, logAbs: Double, value: Double)]) {
    let (factors, pivots, _) = luCore(a)
    let parts = lapackDispatch(
      a.dtype, LUDeterminantKernel(factors: factors, pivots: pivots), op: "linalg.det", order: 0)
    return (factors, pivots, parts)
  }

  /// `A⁻ᵀ` for a gradient rule: from the forward's LU factors in a first backward, through the
  /// recorded inverse of `a` when the backward is itself recorded.
  static func inverseTransposed(_ a: Tensor, factors: Tensor, pivots: Tensor) -> Tensor {
    if GradMode.isEnabled { return invCore(a).0.mT }
    let n = a.shape[a.rank - 1]
    let batch = batchShape(a)
    let identity = Tensor.eye(n, dtype: a.dtype).expand(batch + [n, n])
    return luSolveDetached(factors: factors, pivots: pivots, b: identity, batch: batch, left: true, adjoint: true)
  }
}
