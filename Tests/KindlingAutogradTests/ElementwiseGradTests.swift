import KindlingTestSupport
import Testing

@testable import KindlingAutograd

/// One case of grad_elementwise.json (Tools/fixtures/autograd_elementwise.py).
private struct ElementwiseGradCase: Decodable {
  struct Input: Decodable {
    let tensor: FixtureTensor
    let grad: Bool
    let transposed: Bool
  }
  let name: String
  let op: String
  let params: [String: Double]
  let inputs: [Input]
  let aux: [FixtureTensor]
  let upstream: FixtureTensor
  let expected: [FixtureTensor?]
}

private struct ElementwiseGradFixture: Decodable {
  let cases: [ElementwiseGradCase]
}

/// A float64 leaf that requires a gradient, from values made without recording.
private func leaf(_ t: Tensor) -> Tensor {
  let l = t.detach()
  l.requiresGrad = true
  return l
}

private func randn(_ shape: [Int], seed: UInt64) -> Tensor {
  Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
}

/// Uniform values in [lo, hi).
private func uniform(_ shape: [Int], _ lo: Double, _ hi: Double, seed: UInt64) -> Tensor {
  Tensor.rand(shape, dtype: .float64, generator: Generator(seed: seed)) * (hi - lo) + lo
}

/// Values whose distance from every integer (and from 0) is at least 0.1, so that
/// finite differences do not cross a jump of a piecewise op.
private func awayFromIntegers(_ shape: [Int], seed: UInt64) -> Tensor {
  let whole = (randn(shape, seed: seed) * 3).floor()
  return whole + uniform(shape, 0.1, 0.9, seed: seed + 1)
}

/// Second derivatives, input by input: the Jacobian of each input's gradient (taken with
/// `createGraph`) against finite differences. `gradgradcheck` does the same for all inputs at
/// once but joins the gradients with `cat`, whose rule lives in another family.
private func gradgradcheckEachInput(_ function: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor]) throws {
  let probe = noGrad { function(inputs) }
  let weights = Tensor.randn(probe.shape, dtype: probe.dtype, generator: Generator(seed: 7))
  for i in inputs.indices where inputs[i].requiresGrad {
    try gradcheck(
      { xs in
        // gradcheck's finite differences run under noGrad; the inner gradient needs a graph.
        enableGrad {
          let g = grad(
            outputs: [function(xs)], inputs: [xs[i]], gradOutputs: [weights], createGraph: true, allowUnused: true)
          return g[0] ?? Tensor.zerosLike(xs[i])
        }
      }, inputs)
  }
}

@Suite("Elementwise gradient rules")
struct ElementwiseGradTests {
  /// The op a fixture case names, run on its inputs as the fixture script does.
  private static func forward(_ c: ElementwiseGradCase, _ x: [Tensor], _ aux: [Tensor]) -> Tensor {
    let p = c.params
    switch c.op {
    case "add": return x[0].add(x[1], alpha: p["alpha"] ?? 1)
    case "sub": return x[0].sub(x[1], alpha: p["alpha"] ?? 1)
    case "mul": return x[0] * x[1]
    case "mul_self": return x[0] * x[0]
    case "div": return x[0] / x[1]
    case "div_floor": return x[0].div(x[1], roundingMode: .floor)
    case "div_trunc": return x[0].div(x[1], roundingMode: .trunc)
    case "neg": return -x[0]
    case "clone": return x[0].clone()
    case "to_float32": return x[0].to(.float32)
    case "to_float64": return x[0].to(.float64)
    case "exp": return x[0].exp()
    case "exp2": return x[0].exp2()
    case "expm1": return x[0].expm1()
    case "log": return x[0].log()
    case "log2": return x[0].log2()
    case "log10": return x[0].log10()
    case "log1p": return x[0].log1p()
    case "sqrt": return x[0].sqrt()
    case "rsqrt": return x[0].rsqrt()
    case "reciprocal": return x[0].reciprocal()
    case "sin": return x[0].sin()
    case "cos": return x[0].cos()
    case "tan": return x[0].tan()
    case "asin": return x[0].asin()
    case "acos": return x[0].acos()
    case "atan": return x[0].atan()
    case "sinh": return x[0].sinh()
    case "cosh": return x[0].cosh()
    case "tanh": return x[0].tanh()
    case "atan2": return x[0].atan2(x[1])
    case "hypot": return x[0].hypot(x[1])
    case "sigmoid": return x[0].sigmoid()
    case "logit": return x[0].logit(eps: p["eps"])
    case "relu": return x[0].relu()
    case "leaky_relu": return x[0].leakyRelu(negativeSlope: p["slope"]!)
    case "gelu": return x[0].gelu()
    case "gelu_tanh": return x[0].gelu(approximate: .tanh)
    case "silu": return x[0].silu()
    case "softplus": return x[0].softplus(beta: p["beta"]!, threshold: p["threshold"]!)
    case "elu": return x[0].elu(alpha: p["alpha"]!)
    case "hardtanh": return x[0].hardtanh(min: p["min"]!, max: p["max"]!)
    case "floor": return x[0].floor()
    case "ceil": return x[0].ceil()
    case "round": return x[0].round()
    case "round_decimals": return x[0].round(decimals: Int(p["decimals"]!))
    case "trunc": return x[0].trunc()
    case "frac": return x[0].frac()
    case "sign": return x[0].sign()
    case "abs": return x[0].abs()
    case "pow_scalar": return x[0].pow(p["exponent"]!)
    case "pow_tensor": return x[0].pow(x[1])
    case "pow_base": return Tensor.pow(p["base"]!, x[0])
    case "clamp_scalar": return x[0].clamp(min: p["min"], max: p["max"])
    case "clamp_tensor": return x[0].clamp(min: x[1], max: x[2])
    case "clamp_tensor_min": return x[0].clamp(min: x[1], max: Tensor?.none)
    case "clamp_tensor_max": return x[0].clamp(min: Tensor?.none, max: x[1])
    case "maximum": return x[0].maximum(x[1])
    case "minimum": return x[0].minimum(x[1])
    case "lerp_scalar": return x[0].lerp(x[1], p["weight"]!)
    case "lerp_tensor": return x[0].lerp(x[1], x[2])
    case "remainder_scalar": return x[0].remainder(p["other"]!)
    case "remainder": return x[0].remainder(x[1])
    case "fmod_scalar": return x[0].fmod(p["other"]!)
    case "fmod": return x[0].fmod(x[1])
    case "where": return Tensor.where(aux[0], x[0], x[1])
    case "masked_fill_scalar": return x[0].maskedFill(aux[0], p["value"]!)
    case "masked_fill_tensor": return x[0].maskedFill(aux[0], x[1])
    case "nan_to_num": return x[0].nanToNum()
    default: preconditionFailure("grad_elementwise.json: unknown op \(c.op)")
    }
  }

  @Test("every fixture case's input gradients match PyTorch's")
  func fixtures() throws {
    let fixture = try loadFixture("grad_elementwise.json", as: ElementwiseGradFixture.self)
    #expect(fixture.cases.count > 100)
    for c in fixture.cases {
      let leaves = c.inputs.map { input -> Tensor in
        let base = input.tensor.tensor
        let l = (input.transposed ? base.t() : base).detach()
        l.requiresGrad = input.grad
        return l
      }
      let out = Self.forward(c, leaves, c.aux.map(\.tensor))
      let wanted = leaves.filter(\.requiresGrad)
      let grads = grad(outputs: [out], inputs: wanted, gradOutputs: [c.upstream.tensor], allowUnused: true)
      var next = grads.makeIterator()
      for (i, expected) in c.expected.enumerated() {
        guard let expected else { continue }
        guard let g = next.next()!, true else {
          Issue.record("\(c.name): input \(i) got no gradient")
          continue
        }
        expectMatches(g, expected, absoluteTolerance: 1e-12, "\(c.name): input \(i)")
      }
    }
  }

  /// Unary ops and the inputs where each is differentiable.
  private static var unary: [(String, (Tensor) -> Tensor, Tensor)] {
    [
    ("exp", { $0.exp() }, randn([6], seed: 1)),
    ("exp2", { $0.exp2() }, randn([6], seed: 2)),
    ("expm1", { $0.expm1() }, randn([6], seed: 3)),
    ("log", { $0.log() }, uniform([6], 0.2, 3, seed: 4)),
    ("log2", { $0.log2() }, uniform([6], 0.2, 3, seed: 5)),
    ("log10", { $0.log10() }, uniform([6], 0.2, 3, seed: 6)),
    ("log1p", { $0.log1p() }, uniform([6], -0.5, 3, seed: 7)),
    ("sqrt", { $0.sqrt() }, uniform([6], 0.2, 3, seed: 8)),
    ("rsqrt", { $0.rsqrt() }, uniform([6], 0.2, 3, seed: 9)),
    ("reciprocal", { $0.reciprocal() }, uniform([6], 0.3, 3, seed: 10)),
    ("sin", { $0.sin() }, randn([6], seed: 11)),
    ("cos", { $0.cos() }, randn([6], seed: 12)),
    ("tan", { $0.tan() }, uniform([6], -1.2, 1.2, seed: 13)),
    ("asin", { $0.asin() }, uniform([6], -0.9, 0.9, seed: 14)),
    ("acos", { $0.acos() }, uniform([6], -0.9, 0.9, seed: 15)),
    ("atan", { $0.atan() }, randn([6], seed: 16)),
    ("sinh", { $0.sinh() }, randn([6], seed: 17)),
    ("cosh", { $0.cosh() }, randn([6], seed: 18)),
    ("tanh", { $0.tanh() }, randn([6], seed: 19)),
    ("sigmoid", { $0.sigmoid() }, randn([6], seed: 20)),
    ("logit", { $0.logit() }, uniform([6], 0.1, 0.9, seed: 21)),
    ("logit eps", { $0.logit(eps: 0.05) }, uniform([6], 0.1, 0.9, seed: 22)),
    ("gelu", { $0.gelu() }, randn([6], seed: 23) * 2),
    ("gelu tanh", { $0.gelu(approximate: .tanh) }, randn([6], seed: 24) * 2),
    ("silu", { $0.silu() }, randn([6], seed: 25) * 2),
    ("softplus", { $0.softplus(beta: 2, threshold: 3) }, randn([6], seed: 26) * 2),
    ("elu", { $0.elu(alpha: 0.7) }, randn([6], seed: 27)),
    ("pow 2", { $0.pow(2) }, randn([6], seed: 28)),
    ("pow 2.5", { $0.pow(2.5) }, uniform([6], 0.2, 3, seed: 29)),
    ("pow -1.5", { $0.pow(-1.5) }, uniform([6], 0.2, 3, seed: 30)),
    ("pow of a number", { Tensor.pow(2.5, $0) }, randn([6], seed: 31)),
    ("neg", { -$0 }, randn([6], seed: 32)),
    ("clone", { $0.clone() }, randn([6], seed: 33)),
    ("remainder by a number", { $0.remainder(1.5) }, awayFromIntegers([6], seed: 34) * 1.5),
    ("fmod by a number", { $0.fmod(-1.5) }, awayFromIntegers([6], seed: 35) * 1.5),
    ("frac", { $0.frac() }, awayFromIntegers([6], seed: 36)),
    ("nanToNum", { $0.nanToNum() }, randn([6], seed: 37)),
    ("lerp by a number", { $0.lerp($0 * $0, 0.3) }, randn([6], seed: 38)),
    ("masked fill", { $0.maskedFill(Tensor([true, false, false, true, false, true]), 2) }, randn([6], seed: 39)),
    (
      "where", { Tensor.where(Tensor([true, false, false, true, false, true]), $0.exp(), $0 * $0) },
      randn([6], seed: 40)
    ),
    ]
  }

  /// Piecewise ops, checked away from their kinks and jumps.
  private static var piecewise: [(String, (Tensor) -> Tensor, Tensor)] {
    [
    ("relu", { $0.relu() }, awayFromIntegers([8], seed: 50)),
    ("leakyRelu", { $0.leakyRelu(negativeSlope: 0.2) }, awayFromIntegers([8], seed: 51)),
    ("hardtanh", { $0.hardtanh(min: -1, max: 2) }, awayFromIntegers([8], seed: 52)),
    ("abs", { $0.abs() }, awayFromIntegers([8], seed: 53)),
    ("clamp by numbers", { $0.clamp(min: -1, max: 1) }, awayFromIntegers([8], seed: 54)),
    ("floor", { $0.floor() }, awayFromIntegers([6], seed: 55)),
    ("ceil", { $0.ceil() }, awayFromIntegers([6], seed: 56)),
    ("round", { $0.round() }, awayFromIntegers([6], seed: 57) + 0.05),
    ("round decimals", { $0.round(decimals: 1) }, Tensor([0.12, -0.33, 1.27, 2.41, -0.76], dtype: .float64)),
    ("trunc", { $0.trunc() }, awayFromIntegers([6], seed: 58)),
    ("sign", { $0.sign() }, awayFromIntegers([6], seed: 59)),
    ("div with rounding", { $0.div($0.exp() + 2, roundingMode: .floor) }, awayFromIntegers([6], seed: 60) * 0.5),
    ]
  }

  /// Binary (and ternary) ops with inputs away from ties and jumps.
  private static var nary: [(String, ([Tensor]) -> Tensor, [Tensor])] {
    [
    ("add", { $0[0].add($0[1], alpha: -1.5) }, [randn([2, 3], seed: 70), randn([2, 3], seed: 71)]),
    ("sub", { $0[0].sub($0[1], alpha: 2) }, [randn([2, 3], seed: 72), randn([2, 3], seed: 73)]),
    ("mul", { $0[0] * $0[1] }, [randn([2, 3], seed: 74), randn([2, 3], seed: 75)]),
    ("div", { $0[0] / $0[1] }, [randn([2, 3], seed: 76), uniform([2, 3], 0.5, 2, seed: 77)]),
    ("atan2", { $0[0].atan2($0[1]) }, [randn([2, 3], seed: 78), randn([2, 3], seed: 79)]),
    ("hypot", { $0[0].hypot($0[1]) }, [randn([2, 3], seed: 80), randn([2, 3], seed: 81)]),
    ("pow", { $0[0].pow($0[1]) }, [uniform([2, 3], 0.3, 2, seed: 82), randn([2, 3], seed: 83)]),
    ("maximum", { $0[0].maximum($0[1]) }, [randn([2, 3], seed: 84), randn([2, 3], seed: 85)]),
    ("minimum", { $0[0].minimum($0[1]) }, [randn([2, 3], seed: 86), randn([2, 3], seed: 87)]),
    ("lerp", { $0[0].lerp($0[1], $0[2]) }, [randn([2, 3], seed: 88), randn([2, 3], seed: 89), randn([2, 3], seed: 90)]),
    ("lerp by a number", { $0[0].lerp($0[1], 0.8) }, [randn([2, 3], seed: 91), randn([2, 3], seed: 92)]),
    (
      "clamp by tensors", { $0[0].clamp(min: $0[1], max: $0[2]) },
      [randn([2, 4], seed: 93), randn([2, 4], seed: 94) - 0.7, randn([2, 4], seed: 95) + 0.7]
    ),
    (
      "clamp by a tensor min", { $0[0].clamp(min: $0[1], max: Tensor?.none) },
      [randn([6], seed: 96), randn([6], seed: 97)]
    ),
    (
      "clamp by a tensor max", { $0[0].clamp(min: Tensor?.none, max: $0[1]) },
      [randn([6], seed: 98), randn([6], seed: 99)]
    ),
    (
      "remainder", { $0[0].remainder($0[1]) },
      [Tensor([2.3, -4.1, 0.7, 5.5], dtype: .float64), Tensor([1.5, 1.7, -0.9, -2.0], dtype: .float64)]
    ),
    (
      "fmod", { $0[0].fmod($0[1]) },
      [Tensor([2.3, -4.1, 0.7, 5.5], dtype: .float64), Tensor([1.5, 1.7, -0.9, -2.0], dtype: .float64)]
    ),
    (
      "where", { Tensor.where(Tensor([true, false, true, false]), $0[0], $0[1]) },
      [randn([4], seed: 100), randn([4], seed: 101)]
    ),
    (
      "masked fill by a tensor", { $0[0].maskedFill(Tensor([true, false, true]), $0[1]) },
      [randn([3], seed: 102), randn([], seed: 103)]
    ),
    ]
  }

  @Test("every rule passes gradcheck on random inputs")
  func firstDerivatives() throws {
    for (name, f, x) in Self.unary + Self.piecewise {
      #expect(throws: Never.self, "\(name)") { try gradcheck({ f($0[0]) }, [leaf(x)]) }
    }
    for (name, f, xs) in Self.nary {
      #expect(throws: Never.self, "\(name)") { try gradcheck(f, xs.map(leaf)) }
    }
  }

  @Test("smooth and piecewise-linear rules pass a second-derivative check")
  func secondDerivatives() throws {
    for (name, f, x) in Self.unary + Self.piecewise where !["round decimals", "div with rounding"].contains(name) {
      #expect(throws: Never.self, "\(name)") { try gradgradcheckEachInput({ f($0[0]) }, [leaf(x)]) }
    }
    for (name, f, xs) in Self.nary {
      #expect(throws: Never.self, "\(name)") { try gradgradcheckEachInput(f, xs.map(leaf)) }
    }
  }

  @Test("gradgradcheck passes for a one-input op")
  func library_gradgradcheck() throws {
    // gradgradcheck joins the gradients with cat; with cat's rule merged it covers every input.
    guard GradientRules.hasRule("CatBackward0") else { return }
    try gradgradcheck({ $0[0].sin() * $0[1].exp() }, [leaf(randn([3], seed: 110)), leaf(randn([3], seed: 111))])
  }

  @Test("every elementwise and arithmetic op KindlingTensor records has a rule")
  func everyNameHasARule() {
    let names = [
      "AbsBackward0", "AcosBackward0", "AddBackward0", "AsinBackward0", "Atan2Backward0", "AtanBackward0",
      "CeilBackward0", "ClampBackward0", "ClampBackward1", "CloneBackward0", "CosBackward0", "CoshBackward0",
      "DivBackward0", "DivBackward1", "EluBackward0", "Exp2Backward0", "ExpBackward0", "Expm1Backward0",
      "FloorBackward0", "FmodBackward0", "FmodBackward1", "FracBackward0", "GeluBackward0", "HardtanhBackward0",
      "HypotBackward0", "LeakyReluBackward0", "LerpBackward0", "LerpBackward1", "Log10Backward0", "Log1PBackward0",
      "Log2Backward0", "LogBackward0", "LogitBackward0", "MaskedFillBackward0", "MaskedFillBackward1",
      "MaximumBackward0", "MinimumBackward0", "MulBackward0", "NanToNumBackward0", "NegBackward0", "PowBackward0",
      "PowBackward1", "PowBackward2", "ReciprocalBackward0", "ReluBackward0", "RemainderBackward0",
      "RemainderBackward1", "RoundBackward0", "RoundBackward1", "RsqrtBackward0", "SigmoidBackward0",
      "SignBackward0", "SiluBackward0", "SinBackward0", "SinhBackward0", "SoftplusBackward0", "SqrtBackward0",
      "SubBackward0", "TanBackward0", "TanhBackward0", "ThresholdBackwardBackward0", "ToCopyBackward0", "TruncBackward0", "WhereBackward0",
    ]
    for name in names { #expect(GradientRules.hasRule(name), "\(name)") }
    #expect(names.count == arithmeticRules.count + elementwiseRules.count)
  }

  @Test("a tensor used twice accumulates both gradients")
  func usedTwice() {
    let x = Tensor([1.0, -2.0, 3.0], dtype: .float64, requiresGrad: true)
    (x * x).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [2, -4, 6])
    let y = Tensor([0.5, 2.0], dtype: .float64, requiresGrad: true)
    (y * y.exp() + y.sin()).sum().backward()
    let expected = [0.5, 2.0].map { v in (1 + v) * _exp(v) + _cos(v) }
    for (g, e) in zip(y.grad!.scalars(as: Double.self), expected) { #expect(abs(g - e) < 1e-12) }
  }

  @Test("mixed dtypes give each input a gradient of its own dtype")
  func mixedDTypes() {
    let a = Tensor([1.5, 2.0], dtype: .float32, requiresGrad: true)
    let b = Tensor([3.0, -1.0], dtype: .float64, requiresGrad: true)
    let y = a * b
    #expect(y.dtype == .float64)
    y.sum().backward()
    #expect(a.grad!.dtype == .float32)
    #expect(b.grad!.dtype == .float64)
    #expect(a.grad!.scalars(as: Double.self) == [3, -1])
    #expect(b.grad!.scalars(as: Double.self) == [1.5, 2])
  }

  @Test("a constant operand gets no gradient, and the other still does")
  func constantOperand() {
    let x = Tensor([1.0, 2.0], dtype: .float64, requiresGrad: true)
    let c = Tensor([3.0, 4.0], dtype: .float64)
    (x / c).sum().backward()
    #expect(c.grad == nil)
    #expect(x.grad!.scalars(as: Double.self) == [1.0 / 3, 0.25])
  }

  @Test("second derivatives of x³ through pow and through x * x * x agree")
  func secondOrderValues() {
    let x = Tensor([3.0], dtype: .float64, requiresGrad: true)
    let d1 = grad(outputs: [x.pow(3)], inputs: [x], createGraph: true)[0]!
    #expect(d1.item() == 27)
    #expect(grad(outputs: [d1], inputs: [x])[0]!.item() == 18)
    let e1 = grad(outputs: [x * x * x], inputs: [x], createGraph: true)[0]!
    #expect(e1.item() == 27)
    #expect(grad(outputs: [e1], inputs: [x])[0]!.item() == 18)
    // exp's rule uses its saved output, which must reconnect to x for the second derivative.
    let f1 = grad(outputs: [x.exp()], inputs: [x], createGraph: true)[0]!
    #expect(abs(grad(outputs: [f1], inputs: [x])[0]!.item() - _exp(3.0)) < 1e-12)
  }
}

private func _exp(_ x: Double) -> Double { Tensor([x], dtype: .float64).exp().item() }
private func _cos(_ x: Double) -> Double { Tensor([x], dtype: .float64).cos().item() }
