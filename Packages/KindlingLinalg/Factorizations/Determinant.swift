import Foundation
import KindlingTensor

/// The sign, log-magnitude and value of each determinant from `?getrf`'s factors: the product of
/// `U`'s diagonal, negated once per row swap (accumulated in float64).
struct LUDeterminantKernel: FactorizationVisitor {
  let factors: Tensor, pivots: Tensor

  func visit<T: FactorizationScalar>(_: T.Type) -> [(sign: Double, logAbs: Double, value: Double)] {
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
    let values = determinants(a).map(\.value)
    let d = Tensor(scalars: values, shape: batchShape(a)).to(a.dtype)
    return record("LinalgDetBackward0", inputs: [a], outputs: [d]) { grads, node in
      let a = node.savedInput(0)
      let d = connectedOutput(node)
      let inverse = invCore(a).0
      return [(grads[0] * d).unsqueeze(-1).unsqueeze(-1) * inverse.mT]
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
    let parts = determinants(a)
    let batch = batchShape(a)
    let sign = Tensor(scalars: parts.map(\.sign), shape: batch).to(a.dtype)
    let logAbs = Tensor(scalars: parts.map(\.logAbs), shape: batch).to(a.dtype)
    let recorded = record("LinalgSlogdetBackward0", inputs: [a], outputs: [logAbs]) { grads, node in
      let inverse = invCore(node.savedInput(0)).0
      return [grads[0].unsqueeze(-1).unsqueeze(-1) * inverse.mT]
    }[0]
    return (sign, recorded)
  }

  /// The determinant's parts for each matrix of `a`.
  static func determinants(_ a: Tensor) -> [(sign: Double, logAbs: Double, value: Double)] {
    let (factors, pivots, _) = luCore(a)
    return factorizationDispatch(a.dtype, LUDeterminantKernel(factors: factors, pivots: pivots), op: "linalg.det")
  }
}
