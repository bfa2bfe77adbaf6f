import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

typealias ProductCase = LinalgCase

/// The `linalg_products.json` cases: vector norms, matrix power and exponential, cross and
/// multi-dot (Tools/fixtures/linalg_products.py).
enum ProductFixtures {
  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [LinalgCase] { LinalgFixtures.cases("linalg_products.json", ops) }

  /// Runs `c` (on non-contiguous inputs when asked) and compares it with PyTorch.
  static func check(_ c: LinalgCase, nonContiguous: Bool = false) throws {
    try LinalgFixtures.check(
      c, nonContiguous: nonContiguous, float32Tolerance: (1e-4, 1e-5), run: { [try run($0, $1)] })
  }

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: LinalgCase, _ x: [Tensor]) throws -> Tensor {
    switch c.op {
    case "vector_norm":
      let dtype: DType? = c.text("dtype") == "float64" ? .float64 : nil
      return Linalg.vectorNorm(
        x[0], ord: c.number("ord") ?? 2, dim: c.list("dim"), keepDim: c.flag("keepdim"), dtype: dtype)
    case "matrix_power":
      return try Linalg.matrixPower(x[0], c.int("n", 1))
    case "matrix_exp":
      return Linalg.matrixExp(x[0])
    case "cross":
      return Linalg.cross(x[0], x[1], dim: c.int("dim", -1))
    case "multi_dot":
      return Linalg.multiDot(x)
    default:
      Issue.record("unknown op \(c.op)")
      return Tensor(0.0)
    }
  }
}
