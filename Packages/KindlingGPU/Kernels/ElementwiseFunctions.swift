import KindlingStorage
import KindlingTensor

/// The kernel-source expression of each elementwise function the GPU runs.
///
/// In an expression, `a` and `b` are the operands (`x` is `a` for unary functions) in the
/// compute type `T`, and `p0`, `p1` the function's parameters as `double` kernel arguments (so
/// one compiled kernel serves every `alpha` or slope). The value is converted to the output
/// type when stored. Functions missing here throw ``GPUError/unsupported(op:reason:)``.
enum ElementwiseFunctions {
  /// Every function with a kernel, with its number of inputs (parameters set to values that
  /// pick the general expression), for ``KernelRecipes/all``.
  static let catalog: [(ElementwiseFunction, Int)] =
    ["AddOp", "SubOp"].flatMap { name in [1.0, 0.5].map { (ElementwiseFunction(name: name, parameters: [$0]), 2) } }
    + ["MulOp", "TrueDivOp", "MaximumOp", "MinimumOp", "FloatPowOp", "HypotOp", "LerpScalarOp"].map {
      (ElementwiseFunction(name: $0, parameters: [0.3]), 2)
    }
    + ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"].map {
      (ElementwiseFunction(name: "CompareOp.\($0)"), 2)
    }
    + [(ElementwiseFunction(name: "where"), 3)]
    + [
      "NegOp", "AbsOp", "SignOp", "ReluOp", "LeakyReluOp", "ClampScalarOp", "ExpOp", "LogOp", "Log2Op", "SqrtOp",
      "RsqrtOp", "ReciprocalOp", "SigmoidOp", "SiluOp", "PowScalarOp.plain",
    ].map { (ElementwiseFunction(name: $0, parameters: [0.1, 0.9]), 1) }
    + [2.0, 3, 0.5, -0.5, -1, -2, 1.7].map { (ElementwiseFunction(name: "PowScalarOp", parameters: [$0]), 1) }
    + ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"].map {
      (ElementwiseFunction(name: "TrigOp.\($0)"), 1)
    }

  /// The expression for `function` computing in `compute` and storing `output`, or `nil`.
  static func expression(for function: ElementwiseFunction, compute: DType, output: DType) -> String? {
    let t = compute.kernelType ?? "float"
    let float = compute.isFloatingPoint
    let p = function.parameters
    switch function.name {
    // Binary
    case "AddOp": return p.first == 1 ? "a + b" : "a + (\(t))p0 * b"
    case "SubOp": return p.first == 1 ? "a - b" : "a - (\(t))p0 * b"
    case "MulOp": return "a * b"
    case "MaximumOp": return float ? "(a != a) ? a : ((b != b) ? b : (a < b ? b : a))" : "a < b ? b : a"
    case "MinimumOp": return float ? "(a != a) ? a : ((b != b) ? b : (b < a ? b : a))" : "b < a ? b : a"
    case "CompareOp.equal": return "a == b"
    case "CompareOp.notEqual": return "a != b"
    case "CompareOp.less": return "a < b"
    case "CompareOp.lessEqual": return "a <= b"
    case "CompareOp.greater": return "a > b"
    case "CompareOp.greaterEqual": return "a >= b"
    // Ternary: a is the bool condition.
    case "where": return "a ? b : c"
    // Unary
    case "Cast": return output == .bool ? "x != 0" : "x"
    case "NegOp": return "-x"
    case "AbsOp": return "x < (\(t))0 ? -x : x"
    case "SignOp": return "(\(t))((x > (\(t))0) - (x < (\(t))0))"
    case "ReluOp": return "x < (\(t))0 ? (\(t))0 : x"
    case "LeakyReluOp": return "x > (\(t))0 ? x : x * (\(t))p0"
    case "ClampScalarOp":
      return float
        ? "x != x ? x : (x < (\(t))p0 ? (\(t))p0 : (x > (\(t))p1 ? (\(t))p1 : x))"
        : "(double)x < p0 ? (\(t))p0 : ((double)x > p1 ? (\(t))p1 : x)"
    case _ where !float: return nil
    // Floating point only
    case "TrueDivOp": return "a / b"
    case "FloatPowOp": return "pow(a, b)"
    case "HypotOp": return "hypot(a, b)"
    case "LerpScalarOp":
      return "p0 < 0.5 ? a + (\(t))p0 * (b - a) : b - (b - a) * (\(t))(1.0 - p0)"
    case "ExpOp": return "exp(x)"
    case "LogOp": return "log(x)"
    case "Log2Op": return "log2(x)"
    case "SqrtOp": return "sqrt(x)"
    case "RsqrtOp": return "(\(t))1 / sqrt(x)"
    case "ReciprocalOp": return "(\(t))1 / x"
    case "SigmoidOp": return "(\(t))1 / ((\(t))1 + exp(-x))"
    case "SiluOp": return "x / ((\(t))1 + exp(-x))"
    case "PowScalarOp":
      switch p.first {
      case 2: return "x * x"
      case 3: return "x * x * x"
      case 0.5: return "sqrt(x)"
      case -0.5: return "(\(t))1 / sqrt(x)"
      case -1: return "(\(t))1 / x"
      case -2: return "(\(t))1 / (x * x)"
      default: return "pow(x, (\(t))p0)"
      }
    case "PowScalarOp.plain": return "pow(x, (\(t))p0)"
    case let name where name.hasPrefix("TrigOp."):
      let trig = name.dropFirst("TrigOp.".count)
      return ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"].contains(trig) ? "\(trig)(x)" : nil
    default: return nil
    }
  }
}

/// What picks an elementwise kernel: the function, the parameter values its expression is
/// specialized on (``ElementwiseFunctions/variant(_:)``), and the dtypes.
struct ElementwiseKey: Hashable {
  let name: String
  let variant: Double?
  let inputs: [DType]
  let output: DType

  init(_ function: ElementwiseFunction, inputs: [DType], output: DType) {
    (name, variant, self.inputs, self.output) = (function.name, ElementwiseFunctions.variant(function), inputs, output)
  }
}

extension ElementwiseFunctions {
  /// The parameter value a function's expression depends on, for the kernel cache: `alpha == 1`
  /// for AddOp and SubOp, the exponent of PowScalarOp's shortcuts; `nil` for the rest (their
  /// parameters are kernel arguments).
  static func variant(_ function: ElementwiseFunction) -> Double? {
    switch function.name {
    case "AddOp", "SubOp": function.parameters.first == 1 ? 1 : 0
    case "PowScalarOp":
      [2, 3, 0.5, -0.5, -1, -2].contains(function.parameters.first ?? .nan) ? function.parameters.first : .infinity
    default: nil
    }
  }
}
