import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

typealias SVDCase = LinalgCase

/// The `linalg_svd.json` cases: SVD, pinv, matrix rank, matrix norms and cond (Tools/fixtures/linalg_svd.py).
enum SVDFixtures {
  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [LinalgCase] { LinalgFixtures.cases("linalg_svd.json", ops) }

  /// Runs `c` (on non-contiguous inputs when asked) and compares it with PyTorch.
  static func check(_ c: LinalgCase, nonContiguous: Bool = false) throws {
    try LinalgFixtures.check(c, nonContiguous: nonContiguous, float32Tolerance: (1e-4, 2e-5), run: run)
  }

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: LinalgCase, _ x: [Tensor]) throws -> [Tensor] {
    switch c.op {
    case "svd": return try invariants(x[0], full: c.flag("full"))
    case "svdvals": return [try Linalg.svdvals(x[0])]
    case "pinv":
      return [try Linalg.pinv(x[0], atol: c.number("atol"), rtol: c.number("rtol"), hermitian: c.flag("hermitian"))]
    case "matrix_rank":
      return [
        try Linalg.matrixRank(x[0], atol: c.number("atol"), rtol: c.number("rtol"), hermitian: c.flag("hermitian"))
      ]
    case "matrix_norm":
      return [
        try Linalg.matrixNorm(
          x[0], ord: c.order("ord")!, dim: (c.int("dim0", -2), c.int("dim1", -1)), keepDim: c.flag("keepdim"))
      ]
    case "cond": return [try Linalg.cond(x[0], p: c.order("p"))]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }

  static func invariants(_ a: Tensor, full: Bool) throws -> [Tensor] {
    let (u, s, vh) = try Linalg.svd(a, fullMatrices: full)
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    let k = Swift.min(m, n)
    let uk = u.narrow(dim: u.rank - 1, start: 0, length: k)
    let vhk = vh.narrow(dim: vh.rank - 2, start: 0, length: k)
    let absU = u.shape[u.rank - 1] - k <= 1 ? u.abs() : uk.abs()
    let absVh = vh.shape[vh.rank - 2] - k <= 1 ? vh.abs() : vhk.abs()
    let c = Tensor(scalars: (0..<k).map { Double($0 + 1) }, shape: [k]).to(a.dtype)
    return [s, absU, absVh, (uk * c).matmul(vhk)]
  }
}
