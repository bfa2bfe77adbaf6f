import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// An option of a fixture case: a bool, a number, a string (`"inf"`, `"float64"`, `"1"`) or a
/// list of integers, as the fixture scripts write them.
enum FixtureOption: Decodable, Sendable {
  case number(Double)
  case text(String)
  case flag(Bool)
  case list([Int])

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let v = try? c.decode(Bool.self) {
      self = .flag(v)
    } else if let v = try? c.decode(Double.self) {
      self = .number(v)
    } else if let v = try? c.decode([Int].self) {
      self = .list(v)
    } else {
      self = .text(try c.decode(String.self))
    }
  }

  /// The option as a real (`"inf"`, `"-inf"` and numbers written as text included).
  var real: Double? {
    switch self {
    case .number(let v): return v
    case .text(let s): return s == "inf" ? .infinity : s == "-inf" ? -.infinity : Double(s)
    default: return nil
    }
  }

  /// The option as a bool (`true`, or the text `"1"`).
  var isSet: Bool {
    switch self {
    case .flag(let v): return v
    case .text(let s): return s == "1"
    default: return false
    }
  }
}

/// One case of a `linalg_*.json` fixture (Tools/fixtures/linalg_*.py): the op, its options, the
/// inputs, PyTorch's outputs, a weight per differentiable output (`nil` for the others) and the
/// gradients of `Σ weight · output` per input (`nil` where an input takes none).
struct LinalgCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let op: String
  let options: [String: FixtureOption]
  let inputs: [FixtureTensor]
  let outputs: [FixtureTensor]
  let weights: [FixtureTensor?]
  let grads: [FixtureTensor?]

  var testDescription: String { name }

  func flag(_ key: String, _ fallback: Bool = false) -> Bool { options[key]?.isSet ?? fallback }
  func number(_ key: String) -> Double? { options[key]?.real }
  func int(_ key: String, _ fallback: Int) -> Int { number(key).map { Int($0) } ?? fallback }
  func text(_ key: String) -> String? {
    if case .text(let s) = options[key] { return s }
    return nil
  }
  func list(_ key: String) -> [Int]? {
    if case .list(let l) = options[key] { return l }
    return nil
  }

  /// A `MatrixNormOrder` written as the fixture does (`fro`, `nuc`, `2`, `-inf`); `nil` for `none`.
  func order(_ key: String) -> MatrixNormOrder? {
    switch text(key) ?? "none" {
    case "none": return nil
    case "fro": return .fro
    case "nuc": return .nuc
    case "inf": return .inf
    case "-inf": return .negativeInf
    case let text: return .p(Double(text)!)
    }
  }
}

/// What every Linalg fixture test does: load a file's cases, run one with Kindling and compare
/// its outputs and gradients with PyTorch's.
enum LinalgFixtures {
  private struct File: Decodable { let cases: [LinalgCase] }

  /// The cases of fixture `file` whose op is one of `ops`. A fixture that fails to load fails
  /// every test that uses it (no case runs otherwise).
  static func cases(_ file: String, _ ops: [String]) -> [LinalgCase] {
    (try? loadFixture(file, as: File.self).cases.filter { ops.contains($0.op) }) ?? []
  }

  /// Runs `c` through `run` (on inputs with transposed strides, each matrix stored column by
  /// column, when `nonContiguous`) and compares the outputs and the gradients with PyTorch's;
  /// float32 within `float32Tolerance` (relative, absolute), gradients ten times looser.
  static func check(
    _ c: LinalgCase, nonContiguous: Bool = false, float32Tolerance: (Double, Double) = (1e-4, 1e-5),
    run: (LinalgCase, [Tensor]) throws -> [Tensor]
  ) throws {
    let leaves = c.inputs.map { f -> Tensor in
      let t = f.tensor
      if t.dtype.isFloatingPoint { t.requiresGrad = true }
      return t
    }
    let x = nonContiguous ? leaves.map { $0.rank >= 2 ? $0.mT.contiguous().mT : $0 } : leaves
    if nonContiguous { #expect(x.contains { !$0.isContiguous } || !x.contains { $0.rank >= 2 }) }
    let outputs = try run(c, x)
    #expect(outputs.count == c.outputs.count)
    let (rtol, atol) = c.inputs[0].dtype == "float32" ? float32Tolerance : (1e-9, 1e-11)
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
      let gradient = g ?? Tensor.zeros(expected.shape, dtype: expected.tensor.dtype)
      expectMatches(
        gradient, expected, relativeTolerance: rtol * 10, absoluteTolerance: atol * 10, "\(c.name) gradient")
    }
  }
}
