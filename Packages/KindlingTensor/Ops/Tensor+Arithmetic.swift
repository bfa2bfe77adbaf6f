import CKindlingVector
import KindlingStorage

// add, sub, mul, div and their operators and in-place forms.

struct AddOp: SameTypeBinaryOp {
  let alpha: Double
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "AddOp", parameters: [alpha]) }
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C {
    alpha == 1 ? C.add(a, b) : C.add(a, C.multiply(b, C(double: alpha)))
  }
  var vectorKernel: VectorBinaryKernel? { alpha == 1 ? kindling_add_f32 : nil }
}

struct SubOp: SameTypeBinaryOp {
  let alpha: Double
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "SubOp", parameters: [alpha]) }
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C {
    alpha == 1 ? C.subtract(a, b) : C.subtract(a, C.multiply(b, C(double: alpha)))
  }
  var vectorKernel: VectorBinaryKernel? { alpha == 1 ? kindling_sub_f32 : nil }
}

struct MulOp: SameTypeBinaryOp {
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C { C.multiply(a, b) }
  var vectorKernel: VectorBinaryKernel? { kindling_mul_f32 }
}

struct TrueDivOp: FloatBinaryOp {
  func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C { a / b }
  var vectorKernel: VectorBinaryKernel? { kindling_div_f32 }
}

/// How ``Tensor/div(_:roundingMode:)`` rounds the quotient.
public enum RoundingMode: String, Sendable {
  /// Toward zero, as C's integer division (`rounding_mode='trunc'`).
  case trunc
  /// Toward negative infinity, as Python's `//` (`rounding_mode='floor'`).
  case floor
}

struct RoundedDivOp: SameTypeBinaryOp {
  let mode: RoundingMode
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C {
    if C.self is any FloatComputeScalar.Type {
      let q = a.doubleValue / b.doubleValue
      return C(double: mode == .trunc ? q.rounded(.towardZero) : floorQuotient(a.doubleValue, b.doubleValue))
    }
    let x = a.int64Value, y = b.int64Value
    precondition(y != 0, "div: ZeroDivisionError (integer division by zero)")
    let (q, r) = x.quotientAndRemainder(dividingBy: y)
    return C(int64: mode == .floor && r != 0 && ((r < 0) != (y < 0)) ? q - 1 : q)
  }

  /// PyTorch's floor division for floats: the floor of the exact quotient, computed from
  /// fmod so that `5.0 // 0.1` gives 49, not 50.
  private func floorQuotient(_ a: Double, _ b: Double) -> Double {
    if b == 0 { return a / b }
    let mod = a.truncatingRemainder(dividingBy: b)
    var div = (a - mod) / b
    if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
    if div == 0 { return (a / b).sign == .minus ? -0.0 : 0.0 }
    let floorDiv = div.rounded(.down)
    return div - floorDiv > 0.5 ? floorDiv + 1 : floorDiv
  }
}

extension Tensor {
  /// `self + alpha * other`, broadcasting and promoting (`add`).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).add(Tensor([10, 20]))   // tensor([[11, 22], [13, 24]])
  /// ```
  public func add(_ other: Tensor, alpha: Double = 1) -> Tensor {
    let out = Tensor.binary(self, other, op: "add", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: AddOp(alpha: alpha), a: a, b: b, out: out))
    }
    return record(out, "AddBackward0", self, other, ["alpha": alpha])
  }

  /// `self - alpha * other` (`sub`).
  public func sub(_ other: Tensor, alpha: Double = 1) -> Tensor {
    Tensor.checkNotBoolSubtraction(self, other)
    let out = Tensor.binary(self, other, op: "sub", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: SubOp(alpha: alpha), a: a, b: b, out: out))
    }
    return record(out, "SubBackward0", self, other, ["alpha": alpha])
  }

  /// `self * other`, elementwise (`mul`).
  public func mul(_ other: Tensor) -> Tensor {
    let out = Tensor.binary(self, other, op: "mul", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: MulOp(), a: a, b: b, out: out))
    }
    return record(out, "MulBackward0", self, other)
  }

  /// `self / other` (`div`): true division, so integer inputs give float32; with a
  /// `roundingMode` the quotient is rounded and integers stay integers.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).div(Tensor([[2, 2], [3, 3]]))   // tensor([[0.5000, 1.0000], [1.0000, 1.3333]])
  /// Tensor([-7]).div(Tensor([2]), roundingMode: .floor)    // tensor([-4])
  /// ```
  public func div(_ other: Tensor, roundingMode: RoundingMode? = nil) -> Tensor {
    guard let mode = roundingMode else {
      let out = Tensor.binary(self, other, op: "div", typing: .promotedToFloat) { a, b, out in
        out.dtype.dispatchFloat(FloatBinaryKernel(op: TrueDivOp(), a: a, b: b, out: out), op: "div")
      }
      return record(out, "DivBackward0", self, other)
    }
    let out = Tensor.binary(self, other, op: "div", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: RoundedDivOp(mode: mode), a: a, b: b, out: out))
    }
    return record(out, "DivBackward1", self, other, ["roundingMode": mode.rawValue])
  }

  /// `floor(self / other)` (`floor_divide`, Python's `//`).
  public func floorDivide(_ other: Tensor) -> Tensor { div(other, roundingMode: .floor) }

  /// `-self` (`neg`).
  public func neg() -> Tensor {
    precondition(
      dtype != .bool,
      "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
        + "the `~` or `logicalNot()` operator instead.")
    let out = unary(op: "neg", compute: dtype) { x, out in
      out.dtype.dispatch(SameTypeUnaryKernel(op: NegOp(), x: x, out: out))
    }
    return record(out, "NegBackward0", self)
  }

  static func checkNotBoolSubtraction(_ a: Tensor, _ b: Tensor) {
    precondition(
      !(a.dtype == .bool && b.dtype == .bool),
      "sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logicalXor()` "
        + "operator instead.")
  }

  // MARK: In place

  /// `self += alpha * other` in place (`add_`); `other` must broadcast to this shape and the
  /// result must fit this dtype.
  @discardableResult
  public func add_(_ other: Tensor, alpha: Double = 1) -> Tensor {
    rebasingHistory("add_", other, outOfPlace: { $0.add(other, alpha: alpha) }) {
      inPlace(other, op: "add_") { a, b, out in
        out.dtype.dispatch(SameTypeBinaryKernel(op: AddOp(alpha: alpha), a: a, b: b, out: out))
      }
    }
  }

  /// `self -= alpha * other` in place (`sub_`).
  @discardableResult
  public func sub_(_ other: Tensor, alpha: Double = 1) -> Tensor {
    Tensor.checkNotBoolSubtraction(self, other)
    return rebasingHistory("sub_", other, outOfPlace: { $0.sub(other, alpha: alpha) }) {
      inPlace(other, op: "sub_") { a, b, out in
        out.dtype.dispatch(SameTypeBinaryKernel(op: SubOp(alpha: alpha), a: a, b: b, out: out))
      }
    }
  }

  /// `self *= other` in place (`mul_`).
  @discardableResult
  public func mul_(_ other: Tensor) -> Tensor {
    rebasingHistory("mul_", other, outOfPlace: { $0.mul(other) }) {
      inPlace(other, op: "mul_") { a, b, out in
        out.dtype.dispatch(SameTypeBinaryKernel(op: MulOp(), a: a, b: b, out: out))
      }
    }
  }

  /// `self /= other` in place (`div_`): true division, so an integer tensor cannot hold it.
  @discardableResult
  public func div_(_ other: Tensor) -> Tensor {
    rebasingHistory("div_", other, outOfPlace: { $0.div(other) }) {
      inPlace(other, op: "div_", typing: .promotedToFloat) { a, b, out in
        out.dtype.dispatchFloat(FloatBinaryKernel(op: TrueDivOp(), a: a, b: b, out: out), op: "div_")
      }
    }
  }

  /// Runs a binary kernel writing into this tensor.
  func inPlace(
    _ other: Tensor, op: String, typing: BinaryTyping = .promoted,
    kernel: (_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Void
  ) -> Tensor {
    checkInPlaceAllowed(op: op)
    let shape = other.shape == self.shape ? self.shape : Tensor.broadcastShape([self, other], op: op)
    precondition(
      shape == self.shape,
      "\(op): output with shape \(self.shape) doesn't match the broadcast shape \(shape)")
    // Read a private copy of `other` if it overlaps this tensor's memory.
    let source = other.storage === storage && other !== self ? other.clone() : other
    _ = Tensor.binary(self, source, op: op, typing: typing, into: self, kernel: kernel)
    return self
  }

  /// In-place ops on leaves that require gradients would make the gradient wrong.
  func checkInPlaceAllowed(op: String) {
    precondition(
      !(isLeaf && requiresGrad && GradMode.isEnabled),
      "\(op): a leaf Variable that requires grad is being used in an in-place operation.")
    if let base {
      precondition(
        !(base.isLeaf && base.requiresGrad && GradMode.isEnabled),
        "\(op): a view of a leaf Variable that requires grad is being used in an in-place operation.")
    }
  }
}

struct NegOp: SameTypeUnaryOp {
  func callAsFunction<C: ComputeScalar>(_ x: C) -> C { C.negate(x) }
}

// MARK: - Operators

extension Tensor {
  public static func + (a: Tensor, b: Tensor) -> Tensor { a.add(b) }
  public static func - (a: Tensor, b: Tensor) -> Tensor { a.sub(b) }
  public static func * (a: Tensor, b: Tensor) -> Tensor { a.mul(b) }
  public static func / (a: Tensor, b: Tensor) -> Tensor { a.div(b) }
  public static prefix func - (a: Tensor) -> Tensor { a.neg() }

  /// In place: the storage changes and every view sees it.
  public static func += (a: inout Tensor, b: Tensor) { a.add_(b) }
  public static func -= (a: inout Tensor, b: Tensor) { a.sub_(b) }
  public static func *= (a: inout Tensor, b: Tensor) { a.mul_(b) }
  public static func /= (a: inout Tensor, b: Tensor) { a.div_(b) }

  // Swift numbers of any type, wrapped as PyTorch wraps Python numbers.
  @_disfavoredOverload
  public static func + (a: Tensor, b: Double) -> Tensor { a.add(.number(b)) }
  @_disfavoredOverload
  public static func + (a: Double, b: Tensor) -> Tensor { Tensor.number(a).add(b) }
  @_disfavoredOverload
  public static func - (a: Tensor, b: Double) -> Tensor { a.sub(.number(b)) }
  @_disfavoredOverload
  public static func - (a: Double, b: Tensor) -> Tensor { Tensor.number(a).sub(b) }
  @_disfavoredOverload
  public static func * (a: Tensor, b: Double) -> Tensor { a.mul(.number(b)) }
  @_disfavoredOverload
  public static func * (a: Double, b: Tensor) -> Tensor { Tensor.number(a).mul(b) }
  @_disfavoredOverload
  public static func / (a: Tensor, b: Double) -> Tensor { a.div(.number(b)) }
  @_disfavoredOverload
  public static func / (a: Double, b: Tensor) -> Tensor { Tensor.number(a).div(b) }

  @_disfavoredOverload
  public static func + (a: Tensor, b: Int) -> Tensor { a.add(.number(b)) }
  @_disfavoredOverload
  public static func + (a: Int, b: Tensor) -> Tensor { Tensor.number(a).add(b) }
  @_disfavoredOverload
  public static func - (a: Tensor, b: Int) -> Tensor { a.sub(.number(b)) }
  @_disfavoredOverload
  public static func - (a: Int, b: Tensor) -> Tensor { Tensor.number(a).sub(b) }
  @_disfavoredOverload
  public static func * (a: Tensor, b: Int) -> Tensor { a.mul(.number(b)) }
  @_disfavoredOverload
  public static func * (a: Int, b: Tensor) -> Tensor { Tensor.number(a).mul(b) }
  @_disfavoredOverload
  public static func / (a: Tensor, b: Int) -> Tensor { a.div(.number(b)) }
  @_disfavoredOverload
  public static func / (a: Int, b: Tensor) -> Tensor { Tensor.number(a).div(b) }

  /// A wrapped Swift number: integral values of integer type stay integers.
  static func number(_ value: Double) -> Tensor { wrapped(value, dtype: .float64) }
  static func number(_ value: Int) -> Tensor { wrapped(Double(value), dtype: .int64) }
}
