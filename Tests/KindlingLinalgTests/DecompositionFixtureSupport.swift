import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

typealias DecompositionCase = LinalgCase

/// The `linalg_decompositions.json` cases: QR, eigh and lstsq (Tools/fixtures/linalg_decompositions.py).
enum DecompositionFixtures {
  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [LinalgCase] { LinalgFixtures.cases("linalg_decompositions.json", ops) }

  /// Runs `c` (on non-contiguous inputs when asked) and compares it with PyTorch.
  static func check(_ c: LinalgCase, nonContiguous: Bool = false) throws {
    try LinalgFixtures.check(c, nonContiguous: nonContiguous, float32Tolerance: (1e-4, 1e-5), run: run)
  }

  /// Runs the case's op on `x` with Kindling. Eigenvectors come back as `V * V`, which does not
  /// depend on their signs (the fixture stores the same).
  static func run(_ c: LinalgCase, _ x: [Tensor]) throws -> [Tensor] {
    switch c.op {
    case "qr":
      let r = Linalg.qr(x[0], mode: QRMode(rawValue: c.text("mode") ?? "reduced")!)
      return [r.Q, r.R]
    case "eigh":
      let r = try Linalg.eigh(x[0], uplo: c.text("uplo") ?? "L")
      return [r.eigenvalues, r.eigenvectors * r.eigenvectors]
    case "eigvalsh": return [try Linalg.eigvalsh(x[0], uplo: c.text("uplo") ?? "L")]
    case "lstsq":
      let r = try Linalg.lstsq(
        x[0], x[1], rcond: c.number("rcond"), driver: c.text("driver"))
      return [r.solution, r.residuals, r.rank, r.singularValues]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }
}

/// `Tensor.cat` of the flattened tensors: several outputs as one for `gradcheck`.
func flattened(_ tensors: [Tensor]) -> Tensor { Tensor.cat(tensors.map { $0.reshape([-1]) }) }

/// Whether `a` and `b` agree within `tolerance`, element by element.
func close(_ a: Tensor, _ b: Tensor, _ tolerance: Double = 1e-12) -> Bool {
  a.shape == b.shape && (a.to(.float64) - b.to(.float64)).abs().max().item() <= tolerance
}

/// The standard error an exit test observed.
func stderrText(_ result: ExitTest.Result?) -> String {
  String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}
