import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

/// An option of a `linalg_products.json` case: a number, a string ("inf", "float64"), a bool or
/// a list of numbers.
enum ProductOption: Decodable, Sendable {
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

  /// The option as a real ("inf" and "-inf" included).
  var real: Double {
    switch self {
    case .number(let v): return v
    case .text(let s): return s == "inf" ? .infinity : s == "-inf" ? -.infinity : .nan
    default: return .nan
    }
  }
}

/// One case of `linalg_products.json` (Tools/fixtures/linalg_products.py): inputs, PyTorch's
/// output, a weight for it and the gradients of `Σ weight · output` per input.
struct ProductCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let op: String
  let options: [String: ProductOption]
  let inputs: [FixtureTensor]
  let outputs: [FixtureTensor]
  let weights: [FixtureTensor]
  let grads: [FixtureTensor]

  var testDescription: String { name }
}

enum ProductFixtures {
  private struct File: Decodable { let cases: [ProductCase] }

  /// The cases whose op is one of `ops`.
  static func cases(_ ops: String...) -> [ProductCase] {
    (try? loadFixture("linalg_products.json", as: File.self).cases.filter { ops.contains($0.op) }) ?? []
  }

  /// Runs the case's op on `x` with Kindling.
  static func run(_ c: ProductCase, _ x: [Tensor]) throws -> Tensor {
    switch c.op {
    case "vector_norm":
      var dim: [Int]?
      if case .list(let d) = c.options["dim"] { dim = d }
      var keepDim = false
      if case .flag(let k) = c.options["keepdim"] { keepDim = k }
      var dtype: DType?
      if case .text("float64") = c.options["dtype"] { dtype = .float64 }
      return Linalg.vectorNorm(x[0], ord: c.options["ord"]?.real ?? 2, dim: dim, keepDim: keepDim, dtype: dtype)
    case "matrix_power":
      return try Linalg.matrixPower(x[0], Int(c.options["n"]?.real ?? 1))
    case "matrix_exp":
      return Linalg.matrixExp(x[0])
    case "cross":
      return Linalg.cross(x[0], x[1], dim: Int(c.options["dim"]?.real ?? -1))
    case "multi_dot":
      return Linalg.multiDot(x)
    default:
      Issue.record("unknown op \(c.op)")
      return Tensor(0.0)
    }
  }

  /// Runs `c` (on inputs with transposed strides when asked) and compares the output and the
  /// gradients with PyTorch's.
  static func check(_ c: ProductCase, nonContiguous: Bool = false) throws {
    let leaves = c.inputs.map { f -> Tensor in
      let t = f.tensor
      t.requiresGrad = true
      return t
    }
    let x = nonContiguous ? leaves.map { $0.rank >= 2 ? $0.mT.contiguous().mT : $0 } : leaves
    let out = try run(c, x)
    let f32 = c.inputs[0].dtype == "float32"
    let (rtol, atol) = f32 ? (1e-4, 1e-5) : (1e-9, 1e-11)
    expectMatches(out, c.outputs[0], relativeTolerance: rtol, absoluteTolerance: atol, "\(c.name) output")
    let loss = (out * c.weights[0].tensor).sum()
    let grads = grad(outputs: [loss], inputs: leaves, allowUnused: true)
    for (g, expected) in zip(grads, c.grads) {
      let g = g ?? Tensor.zeros(expected.shape, dtype: expected.tensor.dtype)
      expectMatches(g, expected, relativeTolerance: rtol * 10, absoluteTolerance: atol * 10, "\(c.name) gradient")
    }
  }
}
