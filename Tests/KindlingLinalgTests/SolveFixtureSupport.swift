import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// One case of `linalg_solve.json` (Tools/fixtures/linalg_solve.py): inputs, PyTorch's outputs,
/// a weight per differentiable output and the gradients of `Σ weight · output` per input.
struct SolveCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let op: String
  let options: [String: Bool]
  let inputs: [FixtureTensor]
  let outputs: [FixtureTensor]
  let weights: [FixtureTensor?]
  let grads: [FixtureTensor?]

  var testDescription: String { name }
  func option(_ key: String, _ fallback: Bool) -> Bool { options[key] ?? fallback }
}

enum SolveFixtures {
  private struct File: Decodable { let cases: [SolveCase] }

  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [SolveCase] {
    // A fixture that fails to load fails every test that uses it (no case runs otherwise).
    (try? loadFixture("linalg_solve.json", as: File.self).cases.filter { ops.contains($0.op) }) ?? []
  }

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: SolveCase, _ x: [Tensor]) throws -> [Tensor] {
    switch c.op {
    case "solve": return [try Linalg.solve(x[0], x[1], left: c.option("left", true))]
    case "solve_triangular":
      return [
        Linalg.solveTriangular(
          x[0], x[1], upper: c.option("upper", false), left: c.option("left", true),
          unitriangular: c.option("unitriangular", false))
      ]
    case "inv": return [try Linalg.inv(x[0])]
    case "det": return [Linalg.det(x[0])]
    case "slogdet":
      let r = Linalg.slogdet(x[0])
      return [r.sign, r.logabsdet]
    case "cholesky": return [try Linalg.cholesky(x[0], upper: c.option("upper", false))]
    case "cholesky_solve": return [Linalg.choleskySolve(x[0], x[1], upper: c.option("upper", false))]
    case "lu_factor":
      let r = try Linalg.luFactor(x[0])
      return [r.LU, r.pivots]
    case "lu_solve":
      return [Linalg.luSolve(x[0], x[1], x[2], left: c.option("left", true), adjoint: c.option("adjoint", false))]
    case "lu":
      let r = Linalg.lu(x[0])
      return [r.P, r.L, r.U]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }

  /// Runs `c` (inputs made non-contiguous first when asked) and compares outputs and gradients
  /// with PyTorch's.
  static func check(_ c: SolveCase, nonContiguous: Bool = false) throws {
    let leaves = c.inputs.map { f -> Tensor in
      let t = f.tensor
      if t.dtype.isFloatingPoint { t.requiresGrad = true }
      return t
    }
    // The same values with transposed strides: each matrix stored column by column.
    let x = nonContiguous ? leaves.map { $0.rank >= 2 ? $0.mT.contiguous().mT : $0 } : leaves
    if nonContiguous { #expect(x.contains { !$0.isContiguous }) }
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
    let wanted = leaves.filter(\.requiresGrad)
    var grads = grad(outputs: [loss], inputs: wanted, allowUnused: true).makeIterator()
    for (leaf, expected) in zip(leaves, c.grads) where leaf.requiresGrad {
      let g = grads.next()!
      guard let expected else { continue }
      guard let g else {
        Issue.record("\(c.name): no gradient")
        continue
      }
      expectMatches(g, expected, relativeTolerance: rtol * 10, absoluteTolerance: atol * 10, "\(c.name) gradient")
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
