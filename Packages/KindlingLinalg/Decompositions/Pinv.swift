import KindlingTensor

extension Linalg {
  /// The Moore–Penrose pseudoinverse of a (batch of) matrix (`torch.linalg.pinv`):
  /// `[..., m, n]` → `[..., n, m]`.
  ///
  /// Computed from the reduced SVD `A = U diag(S) Vh` as `Vhᵀ diag(S⁺) Uᵀ`, where `S⁺` inverts the
  /// singular values above the tolerance `max(atol, rtol · σ_max)` and zeroes the others. With
  /// neither `atol` nor `rtol`, `rtol = max(m, n) · ε` (ε of the dtype) and `atol = 0`; with only
  /// `atol`, `rtol` is 0 when `atol > 0` and that default otherwise (PyTorch's rule).
  ///
  /// `hermitian: true` says `A` is symmetric: as in PyTorch (which then runs `eigh`), only its
  /// lower triangle is read, and the cut-off applies to the eigenvalues' absolute values. Here
  /// the lower triangle is mirrored and decomposed with the SVD, whose singular values are those
  /// absolute values, so the result is the same.
  ///
  /// Differentiable (`LinalgPinvBackward0`, PyTorch's `pinv_backward` from `A` and `A⁺`, for
  /// `hermitian` too), twice too. The gradient is that of a pseudoinverse of constant rank: it
  /// is not continuous where a singular value crosses the tolerance.
  ///
  /// ```swift
  /// let a = Tensor([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]], dtype: .float64)   // rank 1
  /// let p = try Linalg.pinv(a)   // [2, 3]; a.matmul(p).matmul(a) == a
  /// ```
  /// - Throws: ``svd(_:fullMatrices:)``'s errors (a NaN in `A`), naming `linalg.svd`.
  public static func pinv(
    _ a: Tensor, atol: Double? = nil, rtol: Double? = nil, hermitian: Bool = false
  ) throws(LinalgError) -> Tensor {
    precondition(
      a.rank >= 2 && (a.dtype == .float32 || a.dtype == .float64),
      "linalg.pinv(\(a.dtype.pytorchTitle){\(a.shape)}): expected a tensor with 2 or more dimensions of float, "
        + "double, cfloat or cdouble types")
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let (atol, rtol) = tolerances(a, atol: atol, rtol: rtol)
    let input = noGrad { hermitian ? mirroredLower(a.detach()) : a.detach() }
    let r = svdKernel(input, mode: .reduced)
    try checkSVD(r.info, op: "linalg.svd", batched: a.rank > 2)
    let result: Tensor = noGrad {
      guard r.s.shape[r.s.rank - 1] > 0 else { return Tensor.zeros(batchShape(a) + [n, m], dtype: a.dtype) }
      let tolerance = cutOff(r.s, atol: atol, rtol: rtol)
      let inverted = Tensor.where(r.s .> tolerance, r.s.reciprocal(), 0.0).to(a.dtype)
      return (r.vh!.mT * inverted.unsqueeze(-2)).matmul(r.u!.mT)
    }
    return record("LinalgPinvBackward0", inputs: [a], outputs: [result]) { grads, node in
      [pinvBackward(grads[0], pinv: connectedOutput(node), a: node.savedInput(0))]
    }[0]
  }

  /// PyTorch's `pinv_backward` (real case): the gradient of `A` from that of `A⁺`, grouping the
  /// products so that the intermediate matrices are the smaller of `m`×`m` and `n`×`n`.
  static func pinvBackward(_ g: Tensor, pinv: Tensor, a: Tensor) -> Tensor {
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let pinvT = pinv.mT
    let gT = g.mT
    if m <= n {
      let k = gT.matmul(pinv)
      let kPinvT = k.matmul(pinvT)
      return pinv.matmul(k).mT.neg() + kPinvT - a.matmul(pinv).matmul(kPinvT)
        + pinvT.matmul(pinv).matmul(gT - k.matmul(a))
    }
    let k = pinv.matmul(gT)
    let pinvTK = pinvT.matmul(k)
    return k.matmul(pinv).mT.neg() + (gT - a.matmul(k)).matmul(pinv).matmul(pinvT) + pinvTK
      - pinvTK.matmul(pinv).matmul(a)
  }

  /// PyTorch's default tolerances for `pinv` and `matrix_rank`: `atol` 0; `rtol` given, or
  /// `max(m, n) · ε` unless a positive `atol` was given (then 0).
  static func tolerances(_ a: Tensor, atol: Double?, rtol: Double?) -> (atol: Double, rtol: Double) {
    let eps = a.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
    let size = Swift.max(a.shape[a.rank - 2], a.shape[a.rank - 1])
    let fallback = (atol ?? 0) > 0 ? 0 : eps * Double(size)
    return (atol ?? 0, rtol ?? fallback)
  }

  /// The cut-off `max(atol, rtol · σ_max)` per matrix (`[..., 1]`) for descending singular values
  /// `s` (`[..., k]`, `k > 0`).
  static func cutOff(_ s: Tensor, atol: Double, rtol: Double) -> Tensor {
    (s.narrow(dim: s.rank - 1, start: 0, length: 1) * rtol).clamp(min: atol)
  }

  /// The symmetric matrix whose lower triangle is that of `a` (what `eigh` reads).
  static func mirroredLower(_ a: Tensor) -> Tensor { a.tril() + a.tril(diagonal: -1).mT }
}
