import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// One op applied to fixture inputs and PyTorch's result, from `Fixtures/elementwise_*.json`.
private struct ElementwiseCase: Decodable {
  let op: String
  let label: String
  let inputs: [FixtureTensor]
  let transpose: [Bool]
  let expected: FixtureTensor

  /// The inputs as PyTorch saw them: transposed (non-contiguous) views where flagged.
  var tensors: [Tensor] { zip(inputs, transpose).map { $1 ? $0.tensor.t() : $0.tensor } }
}

private struct ElementwiseFixture: Decodable {
  let cases: [ElementwiseCase]
}

/// The ops by the keys the fixture script uses (Tools/fixtures/tensor_elementwise.py).
private let ops: [String: @Sendable ([Tensor]) -> Tensor] = [
  "exp": { $0[0].exp() }, "exp2": { $0[0].exp2() }, "log": { $0[0].log() }, "log2": { $0[0].log2() },
  "log10": { $0[0].log10() }, "log1p": { $0[0].log1p() }, "expm1": { $0[0].expm1() }, "sqrt": { $0[0].sqrt() },
  "rsqrt": { $0[0].rsqrt() }, "reciprocal": { $0[0].reciprocal() }, "square": { $0[0].square() },
  "sin": { $0[0].sin() }, "cos": { $0[0].cos() }, "tan": { $0[0].tan() }, "asin": { $0[0].asin() },
  "acos": { $0[0].acos() }, "atan": { $0[0].atan() }, "sinh": { $0[0].sinh() }, "cosh": { $0[0].cosh() },
  "tanh": { $0[0].tanh() }, "sigmoid": { $0[0].sigmoid() }, "logit": { $0[0].logit() },
  "logit_eps": { $0[0].logit(eps: 0.1) },
  "leaky_relu": { $0[0].leakyRelu() }, "leaky_relu_0.2": { $0[0].leakyRelu(negativeSlope: 0.2) },
  "gelu": { $0[0].gelu() }, "gelu_tanh": { $0[0].gelu(approximate: .tanh) }, "silu": { $0[0].silu() },
  "softplus": { $0[0].softplus() }, "softplus_2_1": { $0[0].softplus(beta: 2, threshold: 1) },
  "elu": { $0[0].elu() }, "elu_0.5": { $0[0].elu(alpha: 0.5) }, "frac": { $0[0].frac() },
  "round_2": { $0[0].round(decimals: 2) }, "round_-1": { $0[0].round(decimals: -1) },
  "relu": { $0[0].relu() }, "hardtanh": { $0[0].hardtanh() }, "hardtanh_-2_3": { $0[0].hardtanh(min: -2, max: 3) },
  "floor": { $0[0].floor() }, "ceil": { $0[0].ceil() }, "round": { $0[0].round() }, "trunc": { $0[0].trunc() },
  "abs": { $0[0].abs() }, "neg": { $0[0].neg() }, "sign": { $0[0].sign() }, "isnan": { $0[0].isnan() },
  "isinf": { $0[0].isinf() }, "isfinite": { $0[0].isfinite() }, "nan_to_num": { $0[0].nanToNum() },
  "nan_to_num_1_2_-3": { $0[0].nanToNum(nan: 1, posinf: 2, neginf: -3) }, "logical_not": { $0[0].logicalNot() },
  "pow_2": { $0[0].pow(2) }, "pow_3": { $0[0].pow(3) }, "pow_0.5": { $0[0].pow(0.5) },
  "pow_2.0": { $0[0].pow(2.0) }, "pow_-1.0": { $0[0].pow(-1.0) }, "pow_1.7": { $0[0].pow(1.7) },
  "clamp_0_1": { $0[0].clamp(min: 0, max: 1) }, "clamp_min_0.5": { $0[0].clamp(min: 0.5) },
  "clamp_max_2": { $0[0].clamp(max: 2) }, "clamp_3_2": { $0[0].clamp(min: 3, max: 2) },
  "remainder_3": { $0[0].remainder(3) }, "remainder_-2.5": { $0[0].remainder(-2.5) },
  "fmod_3": { $0[0].fmod(3) }, "fmod_-2.5": { $0[0].fmod(-2.5) }, "rpow_2": { Tensor.pow(2, $0[0]) },
  "bitwise_not": { ~$0[0] },
  "atan2": { $0[0].atan2($0[1]) }, "hypot": { $0[0].hypot($0[1]) }, "pow": { $0[0].pow($0[1]) },
  "maximum": { $0[0].maximum($0[1]) }, "minimum": { $0[0].minimum($0[1]) },
  "remainder": { $0[0] % $0[1] }, "fmod": { $0[0].fmod($0[1]) },
  "logical_and": { $0[0].logicalAnd($0[1]) }, "logical_or": { $0[0].logicalOr($0[1]) },
  "logical_xor": { $0[0].logicalXor($0[1]) }, "bitwise_and": { $0[0] & $0[1] }, "bitwise_or": { $0[0] | $0[1] },
  "bitwise_xor": { $0[0] ^ $0[1] }, "lshift": { $0[0] << $0[1] }, "rshift": { $0[0] >> $0[1] },
  "clamp_tensor_min": { $0[0].clamp(min: $0[1], max: nil) }, "clamp_tensor_max": { $0[0].clamp(min: nil, max: $0[1]) },
  "lerp_0.3": { $0[0].lerp($0[1], 0.3) }, "lerp_0.8": { $0[0].lerp($0[1], 0.8) },
  "masked_fill_-1.5": { $0[0].maskedFill($0[1], -1.5) },
  "where": { Tensor.where($0[0], $0[1], $0[2]) }, "clamp_tensor": { $0[0].clamp(min: $0[1], max: $0[2]) },
  "lerp_tensor": { $0[0].lerp($0[1], $0[2]) },
]

private func check(_ fixture: String) throws {
  let cases = try loadFixture(fixture, as: ElementwiseFixture.self).cases
  #expect(cases.count > 50)
  for c in cases {
    guard let op = ops[c.op] else {
      Issue.record("no op for key \(c.op)")
      continue
    }
    // float16 ops round each result; a transcendental can land one half-precision step away.
    let tolerance: Double? = c.expected.kindlingDType == .float16 ? 2e-3 : nil
    expectMatches(op(c.tensors), c.expected, relativeTolerance: tolerance, "\(c.op) on \(c.label)")
  }
}

@Suite("Elementwise ops match PyTorch")
struct ElementwiseTests {
  @Test("unary ops match PyTorch over every dtype, transposed, 0-d and empty inputs")
  func unaryOps() throws { try check("elementwise_unary.json") }

  @Test("binary and ternary ops match PyTorch with promotion, broadcasting and transposed inputs")
  func binaryOps() throws { try check("elementwise_binary.json") }
}

/// The funnel's fast path for operands of one dtype and shape (a new output borrowing a dense
/// operand's shape and strides) against the general path's answers: every layout pairing, the
/// result typings (same dtype, bool, integer true division to float32).
@Suite("Same-shape binary ops give the general path's results")
struct SameShapeBinaryTests {
  /// `a` and `b` as [2, 3] tensors in the layout named: dense, transposed (a [3, 2] tensor's
  /// `t()`), or expanded from one row (stride 0 along dimension 0).
  private static func operand(_ values: [Double], layout: String, dtype: DType) -> Tensor {
    switch layout {
    case "dense": return Tensor(scalars: values, shape: [2, 3]).to(dtype)
    case "transposed":
      let columns = [values[0], values[3], values[1], values[4], values[2], values[5]]
      return Tensor(scalars: columns, shape: [3, 2]).to(dtype).t()
    default: return Tensor(scalars: Array(values[0..<3]), shape: [1, 3]).to(dtype).expand([2, 3])
    }
  }

  @Test(
    "add, mul, div and < on dense, transposed and expanded operands",
    arguments: [
      ("dense", "dense"), ("dense", "expanded"), ("expanded", "dense"), ("transposed", "dense"),
      ("dense", "transposed"), ("transposed", "transposed"), ("expanded", "transposed"),
    ])
  func layouts(_ layouts: (String, String)) {
    let x: [Double] = [1, -2, 3, 4, 5, -6], y: [Double] = [2, 4, -1, 8, 5, 3]
    for dtype in [DType.float32, .int64] {
      let a = Self.operand(x, layout: layouts.0, dtype: dtype)
      let b = Self.operand(y, layout: layouts.1, dtype: dtype)
      // What each position holds in the layout (an expanded operand repeats its first row).
      let av = a.contiguous().to(.float64).scalars(as: Double.self)
      let bv = b.contiguous().to(.float64).scalars(as: Double.self)
      let label = "\(layouts) \(dtype)"
      let sum = a + b, product = a * b, quotient = a / b, less = a .< b
      #expect(sum.dtype == dtype && product.dtype == dtype && less.dtype == .bool, "\(label)")
      #expect(quotient.dtype == .float32, "\(label): true division of \(dtype)")
      for t in [sum, product, quotient, less] {
        #expect(t.shape == [2, 3] && t.isContiguous && t.strides == [3, 1], "\(label)")
      }
      #expect(sum.to(.float64).scalars(as: Double.self) == zip(av, bv).map { $0 + $1 }, "\(label)")
      #expect(product.to(.float64).scalars(as: Double.self) == zip(av, bv).map { $0 * $1 }, "\(label)")
      #expect(
        quotient.to(.float64).scalars(as: Double.self) == zip(av, bv).map { Double(Float($0) / Float($1)) },
        "\(label)")
      #expect(less.scalars(as: Bool.self) == zip(av, bv).map { $0 < $1 }, "\(label)")
    }
  }
}
