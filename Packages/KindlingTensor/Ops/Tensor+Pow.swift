#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import KindlingStorage

// pow with a tensor exponent, a scalar exponent, or a scalar base. Integers to integer powers
// stay integers (wrapping on overflow); a negative integer exponent is an error for a scalar
// exponent and, elementwise in a tensor, gives 1 for base 1, ±1 for base -1 and 0 otherwise.

/// C's `pow`, which (unlike `exp(y log x)`) handles negative bases with integral exponents.
@inline(__always)
func cPow<C: FloatComputeScalar>(_ a: C, _ b: C) -> C {
  if let a = a as? Float, let b = b as? Float { return powf(a, b) as! C }
  return C(pow(Double(a), Double(b)) as Double)
}

struct FloatPowOp: FloatBinaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C { cPow(a, b) }
}

/// Integer power by squaring, wrapping on overflow, with PyTorch's rule for negative exponents.
@inline(__always)
func integerPow<C: IntegerComputeScalar>(_ base: C, _ exponent: C) -> C {
  if exponent < 0 {
    if base == 1 { return 1 }
    if C.isSigned && base == 0 &- 1 { return exponent & 1 == 0 ? 1 : base }
    return 0
  }
  var result: C = 1, b = base, e = exponent
  while e > 0 {
    if e & 1 == 1 { result = result &* b }
    e >>= 1
    b = b &* b
  }
  return result
}

struct IntegerPowOp: IntegerBinaryOp {
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C { integerPow(a, b) }
}

/// `x^exponent` for a float scalar exponent, with PyTorch's fast paths for common exponents.
struct PowScalarOp: FloatUnaryOp {
  let exponent: Double
  /// PyTorch takes the shortcuts for float32 and float64 only; float16 and bfloat16 call `pow`
  /// (so `(-inf) ^ 0.5` is `inf` there, NaN in float32).
  let shortcuts: Bool
  var deviceFunction: ElementwiseFunction {
    ElementwiseFunction(name: shortcuts ? "PowScalarOp" : "PowScalarOp.plain", parameters: [exponent])
  }
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    guard shortcuts else { return cPow(x, C(exponent)) }
    return switch exponent {
    case 2: x * x
    case 3: x * x * x
    case 0.5: x.squareRoot()
    case -0.5: 1 / x.squareRoot()
    case -1: 1 / x
    case -2: 1 / (x * x)
    default: cPow(x, C(exponent))
    }
  }
}

struct IntegerPowScalarOp: IntegerUnaryOp {
  let exponent: Int64
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ x: C) -> C {
    exponent == 2 ? x &* x : integerPow(x, C(int64: exponent))
  }
}

extension Tensor {
  /// `self ^ exponent` elementwise, broadcasting and promoting (`pow`): integer tensors give
  /// integers, bool ^ bool is refused.
  ///
  /// ```swift
  /// Tensor([2, 3]).pow(Tensor([3, 2]))   // tensor([8, 9])
  /// ```
  public func pow(_ exponent: Tensor) -> Tensor {
    let out = Tensor.numericBinary(
      self, exponent, op: "pow", kernelName: "pow", float: FloatPowOp(), integer: IntegerPowOp())
    return record(out, "PowBackward1", self, exponent)
  }

  /// `self ^ exponent` for a number (`pow`): `x.pow(2)` keeps an integer dtype (bool becomes
  /// int64), a float exponent gives float32 for integer tensors.
  ///
  /// ```swift
  /// Tensor([1, 2, 3]).pow(2)      // tensor([1, 4, 9])
  /// Tensor([4.0]).pow(0.5)        // tensor([2.])
  /// ```
  /// - Precondition: an integer tensor's integer exponent is not negative ("Integers to
  ///   negative integer powers are not allowed.").
  public func pow(_ exponent: Int) -> Tensor {
    let out = powScalar(.number(exponent), exponent: Double(exponent), op: "pow")
    return record(out, "PowBackward0", self, ["exponent": Double(exponent)])
  }

  /// `self ^ exponent` for a floating-point number (`pow`).
  public func pow(_ exponent: Double) -> Tensor {
    let out = powScalar(.number(exponent), exponent: exponent, op: "pow")
    return record(out, "PowBackward0", self, ["exponent": exponent])
  }

  /// `base ^ exponent` for a number base (`torch.pow(2, x)`, Python's `2 ** x`).
  ///
  /// ```swift
  /// Tensor.pow(2, Tensor([1, 2, 3]))   // tensor([2, 4, 8])
  /// ```
  public static func pow(_ base: Double, _ exponent: Tensor) -> Tensor {
    let wrapped: Tensor = base == base.rounded() && Swift.abs(base) < 9e15 ? .number(Int(base)) : .number(base)
    let out = Tensor.numericBinary(
      wrapped, exponent, op: "pow", kernelName: "pow", float: FloatPowOp(), integer: IntegerPowOp())
    return record(out, "PowBackward2", exponent, ["self": base])
  }

  func powScalar(_ wrapped: Tensor, exponent: Double, op: String, into destination: Tensor? = nil) -> Tensor {
    let compute = Tensor.resultType([self, wrapped])
    if let destination { checkCast(compute, into: destination, op: op) }
    if compute.isFloatingPoint {
      return unary(op: op, compute: compute, into: destination) { x, out in
        out.dtype.dispatchFloat(FloatUnaryKernel(op: PowScalarOp(exponent: exponent, shortcuts: compute == .float32 || compute == .float64), x: x, out: out), op: op)
      }
    }
    precondition(exponent >= 0, "\(op): Integers to negative integer powers are not allowed.")
    return unary(op: op, compute: compute, into: destination) { x, out in
      out.dtype.dispatchInteger(IntegerUnaryKernel(op: IntegerPowScalarOp(exponent: Int64(exponent)), x: x, out: out), op: op)
    }
  }

  // MARK: In place

  /// `pow` in place by a number (`pow_`).
  @discardableResult
  public func pow_(_ exponent: Double) -> Tensor {
    rebasingHistory("pow_", outOfPlace: { $0.pow(exponent) }) {
      powScalar(.number(exponent), exponent: exponent, op: "pow_", into: self)
    }
  }

  /// `pow` in place by an integer (`pow_`); integer tensors stay integers.
  @discardableResult
  public func pow_(_ exponent: Int) -> Tensor {
    rebasingHistory("pow_", outOfPlace: { $0.pow(exponent) }) {
      powScalar(.number(exponent), exponent: Double(exponent), op: "pow_", into: self)
    }
  }

  /// `pow` in place by a tensor (`pow_`).
  @discardableResult
  public func pow_(_ exponent: Tensor) -> Tensor {
    rebasingHistory("pow_", exponent, outOfPlace: { $0.pow(exponent) }) {
      let compute = Tensor.resultType([self, exponent])
      Tensor.checkImplemented(compute != .bool, op: "pow_", kernel: "pow", dtype: compute)
      return inPlace(exponent, op: "pow_") { a, b, out in
        if out.dtype.isFloatingPoint {
          out.dtype.dispatchFloat(FloatBinaryKernel(op: FloatPowOp(), a: a, b: b, out: out), op: "pow_")
        } else {
          out.dtype.dispatchInteger(IntegerBinaryKernel(op: IntegerPowOp(), a: a, b: b, out: out), op: "pow_")
        }
      }
  
    }
  }

}
