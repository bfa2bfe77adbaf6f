import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// One case of `linalg_svd.json` (Tools/fixtures/linalg_svd.py): inputs, PyTorch's outputs, a
/// weight per differentiable output and the gradients of `Σ weight · output` per input. Options
/// are strings (`"ord": "inf"`, `"full": "1"`).
struct SVDCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let op: String
  let options: [String: String]
  let inputs: [FixtureTensor]
  let outputs: [FixtureTensor]
  let weights: [FixtureTensor?]
  let grads: [FixtureTensor?]

  var testDescription: String { name }
  func flag(_ key: String) -> Bool { options[key] == "1" }
  func number(_ key: String) -> Double? { options[key].flatMap(Double.init) }
  func int(_ key: String) -> Int { Int(options[key]!)! }

  /// A `MatrixNormOrder` written as the fixture does (`fro`, `nuc`, `2`, `-inf`); `nil` for `none`.
  func order(_ key: String) -> MatrixNormOrder? {
    switch options[key]! {
    case "none": return nil
    case "fro": return .fro
    case "nuc": return .nuc
    case "inf": return .inf
    case "-inf": return .negativeInf
    case let text: return .p(Double(text)!)
    }
  }
}

enum SVDFixtures {
  private struct File: Decodable { let cases: [SVDCase] }

  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [SVDCase] {
    (try? loadFixture("linalg_svd.json", as: File.self).cases.filter { ops.contains($0.op) }) ?? []
  }

  /// The quantities of an SVD that do not depend on the signs of the singular vectors (see the
  /// fixture script): S, |U|, |Vh| and U[:, :k] diag(1…k) Vh[:k].
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

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: SVDCase, _ x: [Tensor]) throws -> [Tensor] {
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
          x[0], ord: c.order("ord")!, dim: (c.int("dim0"), c.int("dim1")), keepDim: c.flag("keepdim"))
      ]
    case "cond": return [try Linalg.cond(x[0], p: c.order("p"))]
    default:
      Issue.record("unknown op \(c.op)")
      return []
    }
  }

  /// Runs `c` (inputs made non-contiguous first when asked) and compares outputs and gradients
  /// with PyTorch's.
  static func check(_ c: SVDCase, nonContiguous: Bool = false) throws {
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
    let (rtol, atol) = f32 ? (1e-4, 2e-5) : (1e-9, 1e-11)
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
