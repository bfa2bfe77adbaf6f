import KindlingTensor

extension Linalg {
  /// The singular value decomposition `A = U diag(S) Vh` of a (batch of) matrix
  /// (`torch.linalg.svd`), computed with LAPACK's divide-and-conquer `?gesdd` as PyTorch does on
  /// the CPU.
  ///
  /// `A` is `[..., m, n]` (float32 or float64); with `k = min(m, n)`, `S` is `[..., k]`
  /// (non-negative, descending). With `fullMatrices` (the default) `U` is `[..., m, m]` and `Vh`
  /// `[..., n, n]`, both orthogonal; otherwise (the reduced SVD) `U` is `[..., m, k]` and `Vh`
  /// `[..., k, n]`, with orthonormal columns and rows.
  ///
  /// Singular vectors are not unique: each pair `(U[..., :, i], Vh[..., i, :])` may be negated
  /// (and any orthonormal basis of a repeated singular value's subspace is as valid), so compare
  /// results through invariants such as `U diag(S) Vh` or `|U|`, and build losses that do not
  /// depend on the choice.
  ///
  /// Differentiable (`LinalgSvdBackward0`, PyTorch's `svd_backward`), twice too. As in PyTorch:
  /// - with `fullMatrices`, the gradients with respect to `U[..., :, k:]` and `Vh[..., k:, :]` are
  ///   ignored (those vectors are an arbitrary basis of the complementary subspaces);
  /// - gradients through `U` or `Vh` are finite only when the singular values are distinct
  ///   (and, for a non-square `A`, non-zero): they divide by `σᵢ² − σⱼ²` (and by `σᵢ`), so they
  ///   are infinite or NaN at repeated singular values and numerically unstable near them.
  ///   A loss that only reads `S` (an `U`/`Vh` gradient that is exactly zero counts as absent,
  ///   as an undefined gradient does in PyTorch) has the always-stable gradient
  ///   `U diag(gS) Vh`; prefer ``svdvals(_:)`` then.
  ///
  /// ```swift
  /// let a = Tensor([[3.0, 0.0], [4.0, 5.0]], dtype: .float64)
  /// let (u, s, vh) = try Linalg.svd(a)                 // s = [6.7082, 2.2361]
  /// let rebuilt = (u * s.unsqueeze(-2)).matmul(vh)     // == a
  /// let (u2, _, vh2) = try Linalg.svd(Tensor.zeros([4, 2]), fullMatrices: false)   // [4, 2], [2, 2]
  /// ```
  /// - Throws: ``LinalgError/nonFiniteInput(function:batch:)`` when the input holds a NaN and
  ///   ``LinalgError/didNotConverge(function:info:batch:)`` when `?gesdd` does not converge, with
  ///   PyTorch's messages. An infinite element reaches LAPACK as in PyTorch: whether it returns
  ///   NaNs or reports no convergence depends on the LAPACK (OpenBLAS's reports it).
  public static func svd(_ a: Tensor, fullMatrices: Bool = true) throws(LinalgError) -> (
    U: Tensor, S: Tensor, Vh: Tensor
  ) {
    MatrixChecks.matrix(a, op: "linalg.svd")
    let (u, s, vh, info) = svdCore(a, fullMatrices: fullMatrices)
    try checkSVD(info, op: "linalg.svd", batched: a.rank > 2)
    return (u, s, vh)
  }

  /// The singular values of a (batch of) matrix, in descending order (`torch.linalg.svdvals`):
  /// `[..., m, n]` → `[..., min(m, n)]`.
  ///
  /// Only the values are computed (`?gesdd` with `jobz = N`) unless `A` requires a gradient.
  /// Differentiable (`LinalgSvdBackward0`: `gA = U diag(gS) Vh`), twice too; unlike the
  /// gradients through ``svd(_:fullMatrices:)``'s vectors this one is always finite and stable,
  /// repeated singular values included.
  ///
  /// ```swift
  /// try Linalg.svdvals(Tensor([[3.0, 0.0], [4.0, 5.0]], dtype: .float64))   // [6.7082, 2.2361]
  /// ```
  /// - Throws: as ``svd(_:fullMatrices:)``.
  public static func svdvals(_ a: Tensor) throws(LinalgError) -> Tensor {
    MatrixChecks.matrix(a, op: "linalg.svd")
    let (s, info) = svdvalsCore(a)
    try checkSVD(info, op: "linalg.svd", batched: a.rank > 2)
    return s
  }

  /// PyTorch's errors for `?gesdd`'s `info`: negative (LAPACK refused a NaN input) or positive
  /// (no convergence), for the first failing matrix.
  static func checkSVD(_ info: [Int32], op: String, batched: Bool) throws(LinalgError) {
    guard let i = info.firstIndex(where: { $0 != 0 }) else { return }
    let batch = batched ? i : nil
    if info[i] < 0 { throw .nonFiniteInput(function: op, batch: batch) }
    throw .didNotConverge(function: op, info: Int(info[i]), batch: batch)
  }

  /// `?gesdd` with `mode` on `Aᵀ`, which a detached row-major copy of `a` is when LAPACK reads
  /// it column by column: no transposed copy in, and none out, since `Aᵀ = V S Uᵀ` hands back
  /// `U` and `Vh` as `Aᵀ`'s `Vh` and `U` transposed, which are views.
  static func svdKernel(_ a: Tensor, mode: SVDMode) -> (u: Tensor?, s: Tensor, vh: Tensor?, info: [Int32]) {
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let matrices = noGrad { a.detach().clone() }
    // Order 0: the kernel picks OpenBLAS's threads per call (its own phases split across
    // Kindling's pool, on one OpenBLAS thread each).
    let ofTransposed = lapackDispatch(
      a.dtype, SVDKernel(matrices: matrices, m: n, n: m, mode: mode), op: "linalg.svd", order: 0)
    return (ofTransposed.vh?.mT, ofTransposed.s, ofTransposed.u?.mT, ofTransposed.info)
  }

  /// The decomposition without checks, recorded as `LinalgSvdBackward0` (one node for `U`, `S`
  /// and `Vh`).
  static func svdCore(_ a: Tensor, fullMatrices: Bool) -> (Tensor, Tensor, Tensor, [Int32]) {
    let r = svdKernel(a, mode: fullMatrices ? .full : .reduced)
    let outputs = [r.u!, r.s, r.vh!]
    let shapes = outputs.map(\.shape)
    let k = r.s.shape[r.s.rank - 1]
    let recorded = record("LinalgSvdBackward0", inputs: [a], outputs: outputs) { grads, node in
      let parts = unpack(connectedOutput(node), shapes: shapes)
      var (u, s, vh) = (parts[0], parts[1], parts[2])
      var (gU, gVh) = (presentGradient(grads[0]), presentGradient(grads[2]))
      if fullMatrices {
        // Only the first k singular vectors depend on A (PyTorch narrows the same way).
        u = u.narrow(dim: u.rank - 1, start: 0, length: k)
        vh = vh.narrow(dim: vh.rank - 2, start: 0, length: k)
        gU = gU?.narrow(dim: u.rank - 1, start: 0, length: k)
        gVh = gVh?.narrow(dim: vh.rank - 2, start: 0, length: k)
      }
      return [svdBackward(gU: gU, gS: presentGradient(grads[1]), gVh: gVh, u: u, s: s, vh: vh)]
    }
    return (recorded[0], recorded[1], recorded[2], r.info)
  }

  /// The singular values without checks; recorded as `LinalgSvdBackward0` when `a` requires a
  /// gradient (then the reduced singular vectors are computed too, for the backward).
  static func svdvalsCore(_ a: Tensor) -> (Tensor, [Int32]) {
    guard GradMode.isEnabled, a.requiresGrad else {
      let r = svdKernel(a, mode: .valuesOnly)
      return (r.s, r.info)
    }
    let r = svdKernel(a, mode: .reduced)
    let (u, vh) = (r.u!, r.vh!)
    let s = record("LinalgSvdBackward0", inputs: [a], outputs: [r.s]) { grads, node in
      guard let gS = presentGradient(grads[0]) else { return [nil] }
      if GradMode.isEnabled {
        // A recorded backward: singular vectors from a recorded SVD, so that gradients of
        // gradients reach A (U diag(gS) Vh does not depend on the vectors' signs).
        let (u, s, vh, _) = svdCore(node.savedInput(0), fullMatrices: false)
        return [svdBackward(gU: nil, gS: gS, gVh: nil, u: u, s: s, vh: vh)]
      }
      return [svdBackward(gU: nil, gS: gS, gVh: nil, u: u, s: r.s, vh: vh)]
    }[0]
    return (s, r.info)
  }

  /// PyTorch's `svd_backward` for real matrices: the gradient of `A` from those of the reduced
  /// `U` (`[..., m, k]`), `S` and `Vh` (`[..., k, n]`); `nil` for a gradient that is absent.
  /// Written with differentiable ops, so it can be recorded.
  static func svdBackward(gU: Tensor?, gS: Tensor?, gVh: Tensor?, u: Tensor, s: Tensor, vh: Tensor) -> Tensor? {
    let m = u.shape[u.rank - 2]
    let n = vh.shape[vh.rank - 1]
    let k = s.shape[s.rank - 1]
    guard gU != nil || gVh != nil else {
      // Singular values only: gA = U diag(gS) Vh, whatever the multiplicities.
      guard let gS else { return nil }
      return m >= n ? u.matmul(gS.unsqueeze(-1) * vh) : (u * gS.unsqueeze(-2)).matmul(vh)
    }
    func skew(_ x: Tensor) -> Tensor { x - x.mT }
    // E[j, l] = σₗ² − σⱼ², with ones on the diagonal (where the skew parts vanish).
    let s2 = s * s
    let e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + Tensor.eye(k, dtype: s.dtype)
    // The k×k core: (skew(Uᵀ gU) / E) diag(S) + diag(S) (skew(Vᵀ gV) / E) + diag(gS).
    var core: Tensor
    if let gU, let gVh {
      core = (skew(u.mT.matmul(gU)) * s.unsqueeze(-2) + s.unsqueeze(-1) * skew(vh.matmul(gVh.mT))) / e
    } else if let gU {
      core = skew(u.mT.matmul(gU)) * s.unsqueeze(-2) / e
    } else {
      core = s.unsqueeze(-1) * skew(vh.matmul(gVh!.mT)) / e
    }
    if let gS { core = core + gS.unsqueeze(-1) * Tensor.eye(k, dtype: s.dtype) }
    if m > n, let gU {
      // Tall: gA = [U core + (I − U Uᵀ) gU S⁻¹] Vh.
      let gUSinv = gU / s.unsqueeze(-2)
      let gA = u.matmul(core) + gUSinv - u.matmul(u.mT.matmul(gUSinv))
      return gA.matmul(vh)
    }
    if m < n, let gVh {
      // Wide: gA = U [core Vh + S⁻¹ gVh (I − Vhᵀ Vh)].
      let sinvgVh = gVh / s.unsqueeze(-1)
      let gA = core.matmul(vh) + sinvgVh - sinvgVh.matmul(vh.mT).matmul(vh)
      return u.matmul(gA)
    }
    return m >= n ? u.matmul(core.matmul(vh)) : u.matmul(core).matmul(vh)
  }

  /// `grad`, or `nil` when it is exactly zero: ``record(_:inputs:outputs:backward:)`` hands
  /// zeros for the outputs a loss did not use, where PyTorch's rules see an undefined gradient.
  static func presentGradient(_ grad: Tensor) -> Tensor? {
    noGrad { grad.abs().sum().item() == 0 } ? nil : grad
  }

  /// The outputs of a multi-output record from its packed tensor (see ``record(_:inputs:outputs:backward:)``).
  static func unpack(_ packed: Tensor, shapes: [[Int]]) -> [Tensor] {
    var start = 0
    return shapes.map { shape in
      let count = shape.reduce(1, *)
      defer { start += count }
      return packed.narrow(dim: 0, start: start, length: count).reshape(shape)
    }
  }
}
