import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

typealias SolveCase = LinalgCase

/// The `linalg_solve.json` cases: solves, inverses, determinants, Cholesky and LU (Tools/fixtures/linalg_solve.py).
enum SolveFixtures {
  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [LinalgCase] { LinalgFixtures.cases("linalg_solve.json", ops) }

  /// Runs `c` (on non-contiguous inputs when asked) and compares it with PyTorch.
  static func check(_ c: LinalgCase, nonContiguous: Bool = false) throws {
    try LinalgFixtures.check(c, nonContiguous: nonContiguous, float32Tolerance: (1e-4, 1e-5), run: run)
  }

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: LinalgCase, _ x: [Tensor]) throws -> [Tensor] {
    switch c.op {
    case "solve": return [try Linalg.solve(x[0], x[1], left: c.flag("left", true))]
    case "solve_triangular":
      return [
        Linalg.solveTriangular(
          x[0], x[1], upper: c.flag("upper", false), left: c.flag("left", true),
          unitriangular: c.flag("unitriangular", false))
      ]
    case "inv": return [try Linalg.inv(x[0])]
    case "det": return [Linalg.det(x[0])]
    case "slogdet":
      let r = Linalg.slogdet(x[0])
      return [r.sign, r.logabsdet]
    case "cholesky": return [try Linalg.cholesky(x[0], upper: c.flag("upper", false))]
    case "cholesky_solve": return [Linalg.choleskySolve(x[0], x[1], upper: c.flag("upper", false))]
    case "lu_factor":
      let r = try Linalg.luFactor(x[0])
      return [r.LU, r.pivots]
    case "lu_solve":
      return [Linalg.luSolve(x[0], x[1], x[2], left: c.flag("left", true), adjoint: c.flag("adjoint", false))]
    case "lu":
      let r = Linalg.lu(x[0])
      return [r.P, r.L, r.U]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }
}

/// A well-conditioned float64 matrix batch (`M + n I`) for gradchecks.
func wellConditioned(_ shape: [Int], seed: UInt64) -> Tensor {
  let n = shape[shape.count - 1]
  let m = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)) + Tensor.eye(n, dtype: .float64) * n
  m.requiresGrad = true
  return m
}

/// A random float64 leaf requiring grad.
func randomLeaf(_ shape: [Int], seed: UInt64) -> Tensor {
  let t = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
  t.requiresGrad = true
  return t
}
