import KindlingTensor

extension Linalg {
  /// The eigenvalues and eigenvectors of a (batch of) real symmetric matrix
  /// (`torch.linalg.eigh`), by LAPACK's divide-and-conquer `?syevd` (as PyTorch).
  ///
  /// `A` is `[..., n, n]`; only the triangle `uplo` names (`"L"`, the default, or `"U"`) is read,
  /// the other is taken as its transpose. `A = V diag(L) Vᵀ` with `eigenvalues` `L` (`[..., n]`)
  /// in ascending order and the orthonormal `eigenvectors` `V` (`[..., n, n]`) as columns. Each
  /// eigenvector is defined up to its sign only (LAPACK's choice may differ from another
  /// LAPACK's), so compare `V` through quantities that do not depend on it.
  ///
  /// Differentiable (`LinalgEighBackward0`, twice too): `gA = V (diag(gL) + F ∘ skew(Vᵀ gV)) Vᵀ`
  /// with `F[i, j] = 1 / (L[j] - L[i])`, a symmetric matrix as in PyTorch. Repeated eigenvalues
  /// give a gradient that is not finite when the loss depends on `V`.
  ///
  /// ```swift
  /// let a = Tensor([[2.0, 1.0], [1.0, 2.0]], dtype: .float64)
  /// let (l, v) = try Linalg.eigh(a)
  /// // l = [1, 3]; v = [[-0.7071, 0.7071], [0.7071, 0.7071]] (up to signs); a.matmul(v) ≈ v * l.unsqueeze(0)
  /// ```
  /// - Throws: ``LinalgError/didNotConverge(function:info:batch:)`` when `?syevd` does not converge.
  public static func eigh(_ a: Tensor, uplo: String = "L") throws(LinalgError) -> (
    eigenvalues: Tensor, eigenvectors: Tensor
  ) {
    let upper = checkEigh(a, uplo: uplo)
    let (outputs, info) = eighCore(a, upper: upper, vectors: true)
    try throwIfNotConverged(info, batched: a.rank > 2)
    return (outputs[0], outputs[1])
  }

  /// The eigenvalues of a (batch of) real symmetric matrix, in ascending order
  /// (`torch.linalg.eigvalsh`): `[..., n, n]` → `[..., n]`; see ``eigh(_:uplo:)``.
  ///
  /// Differentiable (`LinalgEighBackward0`, twice too): `gA = V diag(gL) Vᵀ` (the eigenvectors
  /// are computed for it when `A` requires a gradient).
  ///
  /// ```swift
  /// let l = try Linalg.eigvalsh(Tensor([[2.0, 1.0], [1.0, 2.0]]))   // [1, 3]
  /// ```
  /// - Throws: ``LinalgError/didNotConverge(function:info:batch:)`` when `?syevd` does not converge.
  public static func eigvalsh(_ a: Tensor, uplo: String = "L") throws(LinalgError) -> Tensor {
    let upper = checkEigh(a, uplo: uplo)
    let (outputs, info) = eighCore(a, upper: upper, vectors: false)
    try throwIfNotConverged(info, batched: a.rank > 2)
    return outputs[0]
  }

  /// PyTorch's checks of `uplo` and `A`; returns whether the upper triangle is read.
  private static func checkEigh(_ a: Tensor, uplo: String) -> Bool {
    let letter = uplo.uppercased()
    precondition(letter == "L" || letter == "U", "Expected UPLO argument to be 'L' or 'U', but got \(uplo)")
    MatrixChecks.square(a, op: "linalg.eigh")
    return letter == "U"
  }

  private static func throwIfNotConverged(_ info: [Int32], batched: Bool) throws(LinalgError) {
    if let failure = firstFailure(info, batched: batched) {
      throw .didNotConverge(function: "linalg.eigh", info: failure.code, batch: failure.batch)
    }
  }

  /// `?syevd` on a column-major copy of `a`, recorded as `LinalgEighBackward0`: returns the
  /// eigenvalues, then the eigenvectors when `vectors` is true, and `info` per matrix. The
  /// eigenvectors are computed (not returned) when the eigenvalues alone need a gradient.
  static func eighCore(_ a: Tensor, upper: Bool, vectors: Bool) -> ([Tensor], [Int32]) {
    let recording = GradMode.isEnabled && a.requiresGrad
    // No column-major copy: read column by column, a row-major copy of A is Aᵀ, whose other
    // triangle holds the numbers `upper` names, and LAPACK writes the eigenvectors column by
    // column, as `.mT` reads them.
    let matrices = noGrad { a.detach().clone() }
    let kernel = EighKernel(matrices: matrices, upper: !upper, vectors: vectors || recording)
    let (values, info) = lapackDispatch(a.dtype, kernel, op: "linalg.eigh", order: 0)
    let eigenvectors = matrices.mT
    // A single output must not be captured by its own node's backward (a reference cycle).
    let savedValues = vectors ? values : nil
    let outputs = record(
      "LinalgEighBackward0", inputs: [a], outputs: vectors ? [values, eigenvectors] : [values]
    ) { grads, node in
      var (l, v) = (savedValues, eigenvectors)
      // Recorded (a gradient of the gradient), the factors must depend on A: decompose it again.
      if GradMode.isEnabled {
        let again = eighCore(node.savedInput(0), upper: upper, vectors: true).0
        (l, v) = (again[0], again[1])
      }
      return [eighBackward(gL: grads[0], gV: vectors ? grads[1] : nil, l: l, v: v)]
    }
    return (outputs, info)
  }

  /// PyTorch's `linalg_eig_backward` for symmetric matrices.
  static func eighBackward(gL: Tensor, gV: Tensor?, l: Tensor?, v: Tensor) -> Tensor {
    guard let gV, let l else { return (v * gL.unsqueeze(-2)).matmul(v.mT) }
    let n = l.shape[l.rank - 1]
    let eye = Tensor.eye(n, dtype: l.dtype)
    let projected = v.mT.matmul(gV)
    let skew = (projected - projected.mT) * 0.5
    // gaps[i, j] = L[j] - L[i], with ones on the diagonal (where skew is zero) to divide safely.
    let gaps = l.unsqueeze(-2) - l.unsqueeze(-1) + eye
    let inner = skew / gaps + gL.unsqueeze(-1) * eye
    return v.matmul(inner).matmul(v.mT)
  }
}
