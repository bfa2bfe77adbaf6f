import KindlingStorage

// logicalAnd/Or/Xor/Not (any dtype, giving bool: nonzero is true) and bitwise and/or/xor/not
// and shifts (integers and bool; shifts integers only), with the `&`, `|`, `^`, `~`, `<<`, `>>`
// operators.

/// Which of and, or, xor a logical or bitwise op computes.
enum BitOperation: String, Sendable {
  case and, or, xor
}

struct LogicalOp: ComparisonOp {
  let operation: BitOperation
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> Bool {
    let (x, y) = (a != .zero, b != .zero)
    switch operation {
    case .and: return x && y
    case .or: return x || y
    case .xor: return x != y
    }
  }
}

struct IsZeroOp: PredicateOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> Bool { x == .zero }
}

struct BitwiseOp: IntegerBinaryOp {
  let operation: BitOperation
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C {
    switch operation {
    case .and: a & b
    case .or: a | b
    case .xor: a ^ b
    }
  }
}

struct BitwiseNotOp: IntegerUnaryOp {
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ x: C) -> C { ~x }
}

/// PyTorch's shifts: a shift by a negative amount or by the bit width or more gives 0 to the
/// left, and to the right the sign fill (0 for unsigned types).
struct ShiftOp: IntegerBinaryOp {
  let left: Bool
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C {
    let width = C.bitWidth
    if left { return b < 0 || b >= width ? 0 : a &<< b }
    let maxShift = C.isSigned ? width - 1 : width
    return b < 0 || b >= maxShift ? (C.isSigned ? a >> (width - 1) : 0) : a &>> b
  }
}

extension Tensor {
  func logical(_ other: Tensor, _ operation: BitOperation, op: String) -> Tensor {
    Tensor.binary(self, other, op: op, typing: .comparison) { a, b, out in
      a.dtype.dispatch(ComparisonKernel(op: LogicalOp(operation: operation), a: a, b: b, out: out))
    }
  }

  /// Elementwise `and` of truth values (nonzero is true), giving bool (`logical_and`).
  ///
  /// ```swift
  /// Tensor([0, 1, 2]).logicalAnd(Tensor([1.0, 1.0, 0.0]))   // tensor([False,  True, False])
  /// ```
  public func logicalAnd(_ other: Tensor) -> Tensor { logical(other, .and, op: "logical_and") }
  /// Elementwise `or` of truth values (`logical_or`).
  public func logicalOr(_ other: Tensor) -> Tensor { logical(other, .or, op: "logical_or") }
  /// Elementwise exclusive `or` of truth values (`logical_xor`).
  public func logicalXor(_ other: Tensor) -> Tensor { logical(other, .xor, op: "logical_xor") }
  /// `true` where an element is zero (`logical_not`).
  ///
  /// ```swift
  /// Tensor([0.0, 2.0]).logicalNot()   // tensor([ True, False])
  /// ```
  public func logicalNot() -> Tensor {
    unary(op: "logical_not", compute: dtype, outType: .bool) { x, out in
      x.dtype.dispatch(PredicateKernel(op: IsZeroOp(), x: x, out: out))
    }
  }

  func bitwise(_ other: Tensor, op: String, kernel: String, bool: BitOperation?, _ integer: some IntegerBinaryOp)
    -> Tensor
  {
    let compute = Tensor.resultType([self, other])
    Tensor.checkImplemented(
      !compute.isFloatingPoint && (compute != .bool || bool != nil), op: op, kernel: kernel, dtype: compute)
    return Tensor.binary(self, other, op: op, typing: .promoted) { a, b, out in
      if let bool, out.dtype == .bool {
        a.dtype.dispatch(ComparisonKernel(op: LogicalOp(operation: bool), a: a, b: b, out: out))
      } else {
        out.dtype.dispatchInteger(IntegerBinaryKernel(op: integer, a: a, b: b, out: out), op: op)
      }
    }
  }

  /// Bitwise `and` of integers, logical `and` of bools (`bitwise_and`, `&`).
  ///
  /// ```swift
  /// Tensor([12]).bitwiseAnd(Tensor([10]))   // tensor([8])
  /// ```
  public func bitwiseAnd(_ other: Tensor) -> Tensor {
    bitwise(other, op: "bitwise_and", kernel: "bitwise_and_cpu", bool: .and, BitwiseOp(operation: .and))
  }
  /// Bitwise `or` (`bitwise_or`, `|`).
  public func bitwiseOr(_ other: Tensor) -> Tensor {
    bitwise(other, op: "bitwise_or", kernel: "bitwise_or_cpu", bool: .or, BitwiseOp(operation: .or))
  }
  /// Bitwise exclusive `or` (`bitwise_xor`, `^`).
  public func bitwiseXor(_ other: Tensor) -> Tensor {
    bitwise(other, op: "bitwise_xor", kernel: "bitwise_xor_cpu", bool: .xor, BitwiseOp(operation: .xor))
  }
  /// Shifts each integer left by `other` bits (`bitwise_left_shift`, `<<`); shifting by a
  /// negative amount or the bit width or more gives 0.
  ///
  /// ```swift
  /// Tensor([1, 2]).bitwiseLeftShift(Tensor([3]))   // tensor([ 8, 16])
  /// ```
  public func bitwiseLeftShift(_ other: Tensor) -> Tensor {
    bitwise(other, op: "bitwise_left_shift", kernel: "lshift_cpu", bool: nil, ShiftOp(left: true))
  }
  /// Shifts right, filling with the sign bit (`bitwise_right_shift`, `>>`).
  public func bitwiseRightShift(_ other: Tensor) -> Tensor {
    bitwise(other, op: "bitwise_right_shift", kernel: "rshift_cpu", bool: nil, ShiftOp(left: false))
  }
  /// Flips every bit of an integer, negates a bool (`bitwise_not`, `~`).
  ///
  /// ```swift
  /// Tensor([5]).bitwiseNot()          // tensor([-6])
  /// Tensor([true, false]).bitwiseNot() // tensor([False,  True])
  /// ```
  public func bitwiseNot() -> Tensor {
    Tensor.checkImplemented(!dtype.isFloatingPoint, op: "bitwise_not", kernel: "bitwise_not_cpu", dtype: dtype)
    if dtype == .bool { return logicalNot() }
    return unary(op: "bitwise_not", compute: dtype) { x, out in
      out.dtype.dispatchInteger(IntegerUnaryKernel(op: BitwiseNotOp(), x: x, out: out), op: "bitwise_not")
    }
  }

  public static func & (a: Tensor, b: Tensor) -> Tensor { a.bitwiseAnd(b) }
  public static func | (a: Tensor, b: Tensor) -> Tensor { a.bitwiseOr(b) }
  public static func ^ (a: Tensor, b: Tensor) -> Tensor { a.bitwiseXor(b) }
  // Disfavored: Swift's own shifts are generic, and an integer literal can become a Tensor, so
  // without this `1 << 20` in code that imports Kindling would pick the tensor shift.
  @_disfavoredOverload
  public static func << (a: Tensor, b: Tensor) -> Tensor { a.bitwiseLeftShift(b) }
  @_disfavoredOverload
  public static func >> (a: Tensor, b: Tensor) -> Tensor { a.bitwiseRightShift(b) }
  @_disfavoredOverload
  public static func & (a: Tensor, b: Int) -> Tensor { a.bitwiseAnd(.number(b)) }
  @_disfavoredOverload
  public static func | (a: Tensor, b: Int) -> Tensor { a.bitwiseOr(.number(b)) }
  @_disfavoredOverload
  public static func ^ (a: Tensor, b: Int) -> Tensor { a.bitwiseXor(.number(b)) }
  @_disfavoredOverload
  public static func << (a: Tensor, b: Int) -> Tensor { a.bitwiseLeftShift(.number(b)) }
  @_disfavoredOverload
  public static func >> (a: Tensor, b: Int) -> Tensor { a.bitwiseRightShift(.number(b)) }
  public static prefix func ~ (a: Tensor) -> Tensor { a.bitwiseNot() }
}
