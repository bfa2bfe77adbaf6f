import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// One case of `linalg_decompositions.json` (Tools/fixtures/linalg_decompositions.py): inputs,
/// PyTorch's outputs, a weight per differentiable output and the gradients of
/// `Σ weight · output` per input. Options are strings (`mode`, `uplo`, `driver`, `rcond`).
struct DecompositionCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let op: String
  let options: [String: String]
  let inputs: [FixtureTensor]
  let outputs: [FixtureTensor]
  let weights: [FixtureTensor?]
  let grads: [FixtureTensor?]

  var testDescription: String { name }
}

enum DecompositionFixtures {
  private struct File: Decodable { let cases: [DecompositionCase] }

  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [DecompositionCase] {
    (try? loadFixture("linalg_decompositions.json", as: File.self).cases.filter { ops.contains($0.op) }) ?? []
  }

  /// Runs the case's op on `x` with Kindling. Eigenvectors come back as `V * V`, which does not
  /// depend on their signs (the fixture stores the same).
  static func run(_ c: DecompositionCase, _ x: [Tensor]) throws -> [Tensor] {
    switch c.op {
    case "qr":
      let r = Linalg.qr(x[0], mode: QRMode(rawValue: c.options["mode"] ?? "reduced")!)
      return [r.Q, r.R]
    case "eigh":
      let r = try Linalg.eigh(x[0], uplo: c.options["uplo"] ?? "L")
      return [r.eigenvalues, r.eigenvectors * r.eigenvectors]
    case "eigvalsh": return [try Linalg.eigvalsh(x[0], uplo: c.options["uplo"] ?? "L")]
    case "lstsq":
      let r = try Linalg.lstsq(
        x[0], x[1], rcond: c.options["rcond"].flatMap { Double($0) }, driver: c.options["driver"])
      return [r.solution, r.residuals, r.rank, r.singularValues]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }

  /// Runs `c` (inputs made non-contiguous first when asked) and compares outputs and gradients
  /// with PyTorch's.
  static func check(_ c: DecompositionCase, nonContiguous: Bool = false) throws {
    let leaves = c.inputs.map { f -> Tensor in
      let t = f.tensor
      t.requiresGrad = true
      return t
    }
    // The same values with transposed strides: each matrix stored column by column.
    let x = nonContiguous ? leaves.map { $0.rank >= 2 ? $0.mT.contiguous().mT : $0 } : leaves
    let outputs = try run(c, x)
    #expect(outputs.count == c.outputs.count)
    let f32 = c.inputs[0].dtype == "float32"
    let (rtol, atol) = f32 ? (1e-4, 1e-5) : (1e-9, 1e-11)
    for (out, expected) in zip(outputs, c.outputs) {
      expectMatches(out, expected, relativeTolerance: rtol, absoluteTolerance: atol, "\(c.name) output")
    }
    var loss: Tensor?
    for (out, weight) in zip(outputs, c.weights) {
      guard let weight else { continue }
      let term = (out * weight.tensor).sum()
      loss = loss.map { $0 + term } ?? term
    }
    guard let loss else { return }
    let grads = grad(outputs: [loss], inputs: leaves, allowUnused: true)
    for (g, expected) in zip(grads, c.grads) {
      guard let expected else { continue }
      guard let g else {
        Issue.record("\(c.name): no gradient")
        continue
      }
      expectMatches(g, expected, relativeTolerance: rtol * 10, absoluteTolerance: atol * 10, "\(c.name) gradient")
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
