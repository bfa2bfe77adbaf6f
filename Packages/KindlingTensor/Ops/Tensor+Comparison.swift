import KindlingStorage

// Comparisons give bool tensors. Swift's `==` stays identity-free equality of values for
// `Equatable` elsewhere, so elementwise comparisons are spelled with a dot, as in Swift's SIMD
// types: `.==`, `.!=`, `.<`, `.<=`, `.>`, `.>=`.

/// Which comparison a ``ComparisonOp`` performs.
enum Relation: Sendable {
  case equal, notEqual, less, lessEqual, greater, greaterEqual
}

struct CompareOp: ComparisonOp {
  let relation: Relation
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "CompareOp.\(relation)") }
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> Bool {
    switch relation {
    case .equal: a == b
    case .notEqual: a != b
    case .less: C.isLess(a, b)
    case .lessEqual: C.isLess(a, b) || a == b
    case .greater: C.isLess(b, a)
    case .greaterEqual: C.isLess(b, a) || a == b
    }
  }
}

extension Tensor {
  func compare(_ other: Tensor, _ relation: Relation, op: String) -> Tensor {
    Tensor.binary(self, other, op: op, typing: .comparison) { a, b, out in
      a.dtype.dispatch(ComparisonKernel(op: CompareOp(relation: relation), a: a, b: b, out: out))
    }
  }

  /// Elementwise `==` as a bool tensor (`eq`).
  public func eq(_ other: Tensor) -> Tensor { compare(other, .equal, op: "eq") }
  /// Elementwise `!=` (`ne`).
  public func ne(_ other: Tensor) -> Tensor { compare(other, .notEqual, op: "ne") }
  /// Elementwise `<` (`lt`).
  public func lt(_ other: Tensor) -> Tensor { compare(other, .less, op: "lt") }
  /// Elementwise `<=` (`le`).
  public func le(_ other: Tensor) -> Tensor { compare(other, .lessEqual, op: "le") }
  /// Elementwise `>` (`gt`).
  public func gt(_ other: Tensor) -> Tensor { compare(other, .greater, op: "gt") }
  /// Elementwise `>=` (`ge`).
  public func ge(_ other: Tensor) -> Tensor { compare(other, .greaterEqual, op: "ge") }

  /// `true` when both have the same shape and values (`torch.equal`).
  public func equal(_ other: Tensor) -> Bool {
    shape == other.shape && eq(other).scalars(as: Bool.self).allSatisfy { $0 }
  }
}

infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence

extension Tensor {
  /// Elementwise comparisons, giving bool tensors:
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]) .== Tensor([[2, 2], [3, 3]])   // tensor([[False,  True], [ True, False]])
  /// x .> 0
  /// ```
  public static func .== (a: Tensor, b: Tensor) -> Tensor { a.eq(b) }
  public static func .!= (a: Tensor, b: Tensor) -> Tensor { a.ne(b) }
  public static func .< (a: Tensor, b: Tensor) -> Tensor { a.lt(b) }
  public static func .<= (a: Tensor, b: Tensor) -> Tensor { a.le(b) }
  public static func .> (a: Tensor, b: Tensor) -> Tensor { a.gt(b) }
  public static func .>= (a: Tensor, b: Tensor) -> Tensor { a.ge(b) }
  @_disfavoredOverload
  public static func .== (a: Tensor, b: Int) -> Tensor { a.eq(.number(b)) }
  @_disfavoredOverload
  public static func .!= (a: Tensor, b: Int) -> Tensor { a.ne(.number(b)) }
  @_disfavoredOverload
  public static func .< (a: Tensor, b: Int) -> Tensor { a.lt(.number(b)) }
  @_disfavoredOverload
  public static func .<= (a: Tensor, b: Int) -> Tensor { a.le(.number(b)) }
  @_disfavoredOverload
  public static func .> (a: Tensor, b: Int) -> Tensor { a.gt(.number(b)) }
  @_disfavoredOverload
  public static func .>= (a: Tensor, b: Int) -> Tensor { a.ge(.number(b)) }
  @_disfavoredOverload
  public static func .== (a: Tensor, b: Double) -> Tensor { a.eq(.number(b)) }
  @_disfavoredOverload
  public static func .!= (a: Tensor, b: Double) -> Tensor { a.ne(.number(b)) }
  @_disfavoredOverload
  public static func .< (a: Tensor, b: Double) -> Tensor { a.lt(.number(b)) }
  @_disfavoredOverload
  public static func .<= (a: Tensor, b: Double) -> Tensor { a.le(.number(b)) }
  @_disfavoredOverload
  public static func .> (a: Tensor, b: Double) -> Tensor { a.gt(.number(b)) }
  @_disfavoredOverload
  public static func .>= (a: Tensor, b: Double) -> Tensor { a.ge(.number(b)) }
}
