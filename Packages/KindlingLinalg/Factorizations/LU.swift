import KindlingTensor

extension Linalg {
  /// The LU factorization with partial pivoting of a (batch of) matrix `A` (`[..., m, n]`),
  /// packed as LAPACK's `?getrf` leaves it, with LAPACK's `info` instead of an error
  /// (`torch.linalg.lu_factor_ex`).
  ///
  /// `A = P L U` with `L` (`m`×`k`, `k = min(m, n)`) unit lower triangular below the diagonal of
  /// `LU` and `U` (`k`×`n`) upper triangular on and above it. `pivots` (`[..., k]`, int32) are
  /// 1-based as in LAPACK and PyTorch: row `i` was swapped with row `pivots[i]`. `info` (int32,
  /// batch shape) is 0, or `i` when `U[i, i]` (1-based) is exactly zero. Differentiable in `A`
  /// (`LinalgLuFactorExBackward0`).
  ///
  /// ```swift
  /// let (lu, pivots, info) = Linalg.luFactorEx(Tensor([[1.0, 2.0], [3.0, 4.0]]))
  /// // lu = [[3, 4], [0.3333, 0.6667]], pivots = [2, 2], info = 0
  /// ```
  /// - Precondition: `pivot` is true (PyTorch has no LU without pivoting on the CPU either).
  public static func luFactorEx(_ a: Tensor, pivot: Bool = true) -> (LU: Tensor, pivots: Tensor, info: Tensor) {
    let op = "linalg.lu_factor"
    precondition(
      a.rank >= 2, "torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: \(a.shape) instead")
    MatrixChecks.matrix(a, op: op)
    precondition(pivot, "\(op): LU without pivoting is not implemented on the CPU")
    let (factors, pivots, info) = luCore(a)
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let lu = factors
    let detachedPivots = pivots
    let result = record("LinalgLuFactorExBackward0", inputs: [a], outputs: [lu]) { grads, node in
      let lu = connectedOutput(node)
      let k = Swift.min(m, n)
      let (l, u) = unpackLU(lu, m: m, n: n)
      let p = permutationMatrix(detachedPivots, m: m, dtype: lu.dtype)
      let gL = grads[0].narrow(dim: -1, start: 0, length: k)
      let gU = grads[0].narrow(dim: -2, start: 0, length: k)
      return [luBackward(gL: gL, gU: gU, p: p, l: l, u: u, m: m, n: n)]
    }[0]
    return (result, pivots, infoTensor(info, batch: batchShape(a)))
  }

  /// The LU factorization with partial pivoting (`torch.linalg.lu_factor`): ``luFactorEx(_:pivot:)``
  /// that throws when a diagonal element of `U` is exactly zero, since solving with it would
  /// divide by zero.
  ///
  /// ```swift
  /// let (lu, pivots) = try Linalg.luFactor(a)
  /// let x = Linalg.luSolve(lu, pivots, b)   // solves a x = b
  /// ```
  /// - Throws: ``LinalgError/zeroPivot(function:element:batch:)`` naming the first such element.
  public static func luFactor(_ a: Tensor, pivot: Bool = true) throws(LinalgError) -> (LU: Tensor, pivots: Tensor) {
    let (lu, pivots, info) = luFactorEx(a, pivot: pivot)
    let codes = info.contiguous().scalars(as: Int32.self)
    if let failure = firstFailure(codes, batched: a.rank > 2) {
      throw .zeroPivot(function: "torch.linalg.lu_factor", element: failure.code, batch: failure.batch)
    }
    return (lu, pivots)
  }

  /// The LU factorization `A = P L U` of a (batch of) matrix `[..., m, n]` unpacked into the
  /// permutation matrix `P` (`m`×`m`), unit lower triangular `L` (`m`×`k`) and upper triangular
  /// `U` (`k`×`n`), `k = min(m, n)` (`torch.linalg.lu`). Differentiable in `A` through `L` and `U`
  /// (`LinalgLuBackward0`; `P` is a constant). A singular `A` factors too (`U` has a zero on its
  /// diagonal).
  ///
  /// ```swift
  /// let (p, l, u) = Linalg.lu(a)
  /// // p.matmul(l).matmul(u) ≈ a
  /// ```
  /// - Precondition: `pivot` is true.
  public static func lu(_ a: Tensor, pivot: Bool = true) -> (P: Tensor, L: Tensor, U: Tensor) {
    let op = "linalg.lu"
    MatrixChecks.matrix(a, op: op)
    precondition(pivot, "\(op): LU without pivoting is not implemented on the CPU")
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let (factors, pivots, _) = luCore(a)
    let p = permutationMatrix(pivots, m: m, dtype: a.dtype)
    let (l, u) = noGrad { unpackLU(factors, m: m, n: n) }
    let (savedL, savedU) = (l, u)
    let outputs = record("LinalgLuBackward0", inputs: [a], outputs: [l, u]) { grads, node in
      var (lower, upper) = (savedL, savedU)
      if GradMode.isEnabled {
        let again = lu(node.savedInput(0))
        (lower, upper) = (again.L, again.U)
      }
      return [luBackward(gL: grads[0], gU: grads[1], p: p, l: lower, u: upper, m: m, n: n)]
    }
    return (p, outputs[0], outputs[1])
  }

  /// Solves `A X = B` (or `X A = B` with `left: false`; with `Aᴴ` for `adjoint: true`) from the
  /// LU factorization of `A` that ``luFactor(_:pivot:)`` returned (`torch.linalg.lu_solve`).
  ///
  /// `LU` is `[..., n, n]`, `pivots` `[..., n]` (int32, 1-based), `B` `[..., n, k]` (`[..., k, n]`
  /// when `left` is false); batch dimensions broadcast. Differentiable in `B` and in `LU`
  /// (`LinalgLuSolveBackward0`).
  ///
  /// ```swift
  /// let (lu, pivots) = try Linalg.luFactor(a)
  /// let x = Linalg.luSolve(lu, pivots, b)              // a x = b
  /// let y = Linalg.luSolve(lu, pivots, b, adjoint: true)   // aᵀ y = b
  /// ```
  public static func luSolve(
    _ LU: Tensor, _ pivots: Tensor, _ b: Tensor, left: Bool = true, adjoint: Bool = false
  ) -> Tensor {
    let op = "linalg.lu_solve"
    MatrixChecks.square(LU, op: "torch.linalg.lu_solve", name: "A")
    precondition(b.rank >= 2, "\(op): The input tensor B must have at least 2 dimensions.")
    let n = LU.shape[LU.rank - 1]
    precondition(fits(b, n: n, left: left), incompatibleShapes(op, n: n, b: b, left: left))
    precondition(
      LU.dtype == b.dtype,
      "\(op): Expected LU and B to have the same dtype, but found LU of type \(LU.dtype.pytorchTitle) and B of type "
        + "\(b.dtype.pytorchTitle) instead")
    precondition(pivots.dtype == .int32, "\(op): pivots should be a Tensor of scalar type torch.int32")
    precondition(
      pivots.rank >= 1 && pivots.shape[pivots.rank - 1] == n,
      "\(op): Number of pivots per batch should be same as the dimension of the matrix")
    // The solve interchanges rows by these numbers: one outside 1...n would move memory that is
    // not B's.
    if let bad = pivots.contiguous().scalars(as: Int32.self).first(where: { $0 < 1 || Int($0) > n }) {
      preconditionFailure(
        "\(op): pivots must be LAPACK's 1-based row numbers, between 1 and \(n) for \(n)x\(n) matrices, but found \(bad)"
      )
    }
    let batch = broadcastBatch(broadcastBatch(batchShape(LU), Array(pivots.shape.dropLast())), batchShape(b))
    let factors = noGrad { LU.detach().expand(batch + [n, n]).contiguous() }
    let x = luSolveDetached(factors: factors, pivots: pivots, b: b.detach(), batch: batch, left: left, adjoint: adjoint)
    let savedPivots = pivots.detach()
    return record("LinalgLuSolveBackward0", inputs: [LU, b], outputs: [x]) { grads, node in
      let lu = node.savedInput(0)
      let g = grads[0]
      let gB = node.hasEdge(1) ? luSolve(lu, savedPivots, g, left: left, adjoint: !adjoint) : nil
      var gLU: Tensor?
      if node.hasEdge(0) {
        gLU = luSolveGradLU(g, lu: lu, pivots: savedPivots, x: connectedOutput(node), left: left, adjoint: adjoint)
      }
      return [gLU, gB]
    }[0]
  }

  // MARK: - Shared pieces

  /// The LU factorization of a detached copy of `a` by Kindling's kernel: the factors (`[..., m, n]`,
  /// row-major: PyTorch's `LU`), the 1-based pivots and `info` per matrix.
  static func luCore(_ a: Tensor) -> (factors: Tensor, pivots: Tensor, info: [Int32]) {
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let factors = noGrad { a.detach().clone() }  // always fresh and contiguous
    let (pivots, info) = lapackDispatch(
      a.dtype, LUFactorKernel(matrices: factors, m: m, n: n), op: "linalg.lu", order: Swift.min(m, n))
    return (factors, pivots, info)
  }

  /// Solves with LU factors from ``luCore(_:)`` (`factors`, `[..., n, n]` row-major, of a batch
  /// that broadcasts to `batch`), without recording: `B` is a detached matrix batch.
  static func luSolveDetached(
    factors: Tensor, pivots: Tensor, b: Tensor, batch: [Int], left: Bool, adjoint: Bool
  ) -> Tensor {
    let n = factors.shape[factors.rank - 1]
    return noGrad {
      let f = factors.shape == batch + [n, n] ? factors : factors.expand(batch + [n, n]).contiguous()
      let p = pivots.expand(batch + [n]).contiguous()
      let rhs = rightHandSide(b.expand(batch + Array(b.shape.suffix(2))), left: left)
      lapackDispatch(
        factors.dtype, LUSolveKernel(factors: f, pivots: p, rhs: rhs, transpose: left == adjoint),
        op: "linalg.lu_solve", order: Swift.min(n, rhs.shape[rhs.rank - 2]))
      return solution(rhs, left: left)
    }
  }

  /// `L` (`m`×`k`, unit diagonal) and `U` (`k`×`n`) from packed `LU`, with differentiable ops.
  static func unpackLU(_ lu: Tensor, m: Int, n: Int) -> (l: Tensor, u: Tensor) {
    let k = Swift.min(m, n)
    let l = lu.narrow(dim: lu.rank - 1, start: 0, length: k).tril(diagonal: -1) + Tensor.eye(m, k, dtype: lu.dtype)
    let u = lu.narrow(dim: lu.rank - 2, start: 0, length: k).triu()
    return (l, u)
  }

  /// The permutation matrices `P` (`[..., m, m]`) with `A = P L U` for LAPACK's 1-based pivots.
  static func permutationMatrix(_ pivots: Tensor, m: Int, dtype: DType) -> Tensor {
    let k = pivots.shape[pivots.rank - 1]
    let batch = Array(pivots.shape.dropLast())
    let count = batch.reduce(1, *)
    let swaps = pivots.contiguous().scalars(as: Int32.self)
    var values = [Double](repeating: 0, count: count * m * m)
    for b in 0..<count {
      var perm = Array(0..<m)
      for i in 0..<k { perm.swapAt(i, Int(swaps[b * k + i]) - 1) }
      // Row i of PᵀA is row perm[i] of A, so P[perm[i], i] = 1.
      for i in 0..<m { values[b * m * m + perm[i] * m + i] = 1 }
    }
    return Tensor(scalars: values, shape: batch + [m, m]).to(dtype)
  }

  /// PyTorch's `linalg_lu_backward`: the gradient of `A` from those of `L` and `U`, for square,
  /// wide (`m < n`) and tall (`m > n`) matrices.
  static func luBackward(gL: Tensor, gU: Tensor, p: Tensor, l: Tensor, u: Tensor, m: Int, n: Int) -> Tensor {
    let k = Swift.min(m, n)
    // Only L's strictly lower part depends on A (its diagonal is ones, above it zeros).
    let gL = gL.tril(diagonal: -1)
    var gA: Tensor
    if m == n {
      gA = l.mT.matmul(gL).tril(diagonal: -1) + gU.matmul(u.mT).triu()
      gA = solveTriangularCore(u.mT, gA, upper: false, left: false, unitriangular: false)
      gA = solveTriangularCore(l.mT, gA, upper: true, left: true, unitriangular: true)
    } else if m < n {
      let u1 = u.narrow(dim: u.rank - 1, start: 0, length: k)
      gA = l.mT.matmul(gL) - gU.triu().matmul(u.mT)
      gA = solveTriangularCore(u1.mT, gA.tril(diagonal: -1), upper: false, left: false, unitriangular: false)
      let gU1 = gU.narrow(dim: gU.rank - 1, start: 0, length: k)
      let gU2 = gU.narrow(dim: gU.rank - 1, start: k, length: n - k)
      gA = Tensor.cat([gA + gU1.triu(), gU2], dim: gA.rank - 1)
      gA = solveTriangularCore(l.mT, gA, upper: true, left: true, unitriangular: true)
    } else {
      let l1 = l.narrow(dim: l.rank - 2, start: 0, length: k)
      gA = gU.matmul(u.mT) - l.mT.matmul(gL)
      gA = solveTriangularCore(l1.mT, gA.triu(), upper: true, left: true, unitriangular: true)
      let gL1 = gL.narrow(dim: gL.rank - 2, start: 0, length: k)
      let gL2 = gL.narrow(dim: gL.rank - 2, start: k, length: m - k)
      gA = Tensor.cat([gA + gL1.tril(diagonal: -1), gL2], dim: gA.rank - 2)
      gA = solveTriangularCore(u.mT, gA, upper: false, left: false, unitriangular: false)
    }
    return p.matmul(gA)
  }

  /// PyTorch's `linalg_lu_solve_LU`: the gradient of `LU` in `luSolve` from that of `X`.
  static func luSolveGradLU(_ gX: Tensor, lu: Tensor, pivots: Tensor, x: Tensor, left: Bool, adjoint: Bool) -> Tensor {
    let n = lu.shape[lu.rank - 1]
    let (l, u) = unpackLU(lu, m: n, n: n)
    if left != adjoint {
      // gR = U⁻ᴴ op₂(-gX) op₂(X)ᴴ, gU = gR.triu(), gL = (L⁻ᴴ gR Uᴴ).tril(-1)
      let product = (left ? gX : gX.mT).neg().matmul(left ? x.mT : x)
      let gR = solveTriangularCore(u.mT, product, upper: false, left: true, unitriangular: false)
      let gL = solveTriangularCore(l.mT, gR.matmul(u.mT), upper: true, left: true, unitriangular: true)
      return gL.tril(diagonal: -1) + gR.triu()
    }
    // gR = -Pᵀ op₃(X) op₁(op₂(gX)) P L⁻ᴴ, gU = (Lᴴ gR U⁻ᴴ).triu(), gL = gR.tril(-1)
    let p = permutationMatrix(pivots, m: n, dtype: lu.dtype)
    var gR = p.mT.matmul(left ? x : x.mT).matmul(left ? gX.mT : gX).matmul(p).neg()
    gR = solveTriangularCore(l.mT, gR, upper: true, left: false, unitriangular: true)
    let gU = solveTriangularCore(u.mT, l.mT.matmul(gR), upper: false, left: false, unitriangular: false).triu()
    return gR.tril(diagonal: -1) + gU
  }
}
