import KindlingStorage
import RealModule

/// A Swift type that holds one element of a tensor of some ``DType``.
///
/// Each dtype has one element type (`float32` is `Float`, `bfloat16` is ``BFloat16``, …) and
/// one *compute type* that kernels do their arithmetic in: the type itself, except `float16`
/// and `bfloat16`, which compute in `Float` as PyTorch does. Kernels are written once over
/// ``ComputeScalar`` and read and write elements through ``compute`` and ``init(compute:)``.
///
/// ```swift
/// let x: Float16 = 1.5
/// print(x.compute + 1)   // 2.5 (a Float)
/// ```
public protocol TensorScalar: Sendable {
  /// The type kernels compute in.
  associatedtype Compute: ComputeScalar
  /// The dtype whose elements this type holds.
  static var dtype: DType { get }
  /// The element converted to its compute type.
  var compute: Compute { get }
  /// The element nearest to a computed value.
  init(compute: Compute)
}

/// The types kernels compute in: `Bool`, the integers, `Float` and `Double`.
///
/// Conversions go through `Double` and `Int64` with PyTorch's casting rules: a float converts to
/// an integer by truncation toward zero, to `Bool` by `!= 0`; integers wrap when narrowed.
public protocol ComputeScalar: TensorScalar, Equatable where Compute == Self {
  /// The value as a `Double` (exact for every type but `Int64` beyond 2^53).
  var doubleValue: Double { get }
  /// The value as an `Int64` (floats truncate toward zero; NaN and out-of-range give 0).
  var int64Value: Int64 { get }
  /// The value from a `Double`, with PyTorch's float-to-this-type cast.
  init(double: Double)
  /// The value from an `Int64`, wrapping when it does not fit.
  init(int64: Int64)
  /// `0`, or `false`.
  static var zero: Self { get }
  /// `1`, or `true`.
  static var one: Self { get }
  /// The order max, min and sort use (`false < true`); NaN is not less than anything.
  static func isLess(_ a: Self, _ b: Self) -> Bool
  /// `a + b`; integers wrap, `Bool` is logical or.
  static func add(_ a: Self, _ b: Self) -> Self
  /// `a - b`; integers wrap.
  static func subtract(_ a: Self, _ b: Self) -> Self
  /// `a * b`; integers wrap, `Bool` is logical and.
  static func multiply(_ a: Self, _ b: Self) -> Self
  /// `-a`; integers wrap, `Bool` stays as it is.
  static func negate(_ a: Self) -> Self
}

extension ComputeScalar where Self: Comparable {
  @inlinable public static func isLess(_ a: Self, _ b: Self) -> Bool { a < b }
}

extension ComputeScalar {
  @inlinable public var compute: Self { self }
  @inlinable public init(compute: Self) { self = compute }
}

extension Bool: ComputeScalar {
  public static var dtype: DType { .bool }
  @inlinable public var doubleValue: Double { self ? 1 : 0 }
  @inlinable public var int64Value: Int64 { self ? 1 : 0 }
  @inlinable public init(double: Double) { self = double != 0 }
  @inlinable public init(int64: Int64) { self = int64 != 0 }
  @inlinable public static var zero: Bool { false }
  @inlinable public static var one: Bool { true }
  @inlinable public static func isLess(_ a: Bool, _ b: Bool) -> Bool { !a && b }
  @inlinable public static func add(_ a: Bool, _ b: Bool) -> Bool { a || b }
  @inlinable public static func subtract(_ a: Bool, _ b: Bool) -> Bool { a != b }
  @inlinable public static func multiply(_ a: Bool, _ b: Bool) -> Bool { a && b }
  @inlinable public static func negate(_ a: Bool) -> Bool { a }
}

/// Integer compute types: arithmetic wraps on overflow, as in PyTorch (C++).
public protocol IntegerComputeScalar: ComputeScalar, FixedWidthInteger {}

extension IntegerComputeScalar {
  @inlinable public var doubleValue: Double { Double(self) }
  @inlinable public var int64Value: Int64 { Int64(truncatingIfNeeded: self) }
  @inlinable public init(double: Double) {
    // C's float-to-integer cast: truncate; out-of-range values are undefined in C++, 0 here.
    self = double.isFinite && abs(double) < 9.2e18 ? Self(truncatingIfNeeded: Int64(double)) : 0
  }
  @inlinable public init(int64: Int64) { self = Self(truncatingIfNeeded: int64) }
  @inlinable public static var one: Self { 1 }
  @inlinable public static func add(_ a: Self, _ b: Self) -> Self { a &+ b }
  @inlinable public static func subtract(_ a: Self, _ b: Self) -> Self { a &- b }
  @inlinable public static func multiply(_ a: Self, _ b: Self) -> Self { a &* b }
  @inlinable public static func negate(_ a: Self) -> Self { 0 &- a }
}

extension UInt8: IntegerComputeScalar { public static var dtype: DType { .uint8 } }
extension Int8: IntegerComputeScalar { public static var dtype: DType { .int8 } }
extension Int16: IntegerComputeScalar { public static var dtype: DType { .int16 } }
extension Int32: IntegerComputeScalar { public static var dtype: DType { .int32 } }
extension Int64: IntegerComputeScalar { public static var dtype: DType { .int64 } }

/// Floating-point compute types: `Float` and `Double`.
public protocol FloatComputeScalar: ComputeScalar, BinaryFloatingPoint, Real {}

extension FloatComputeScalar {
  @inlinable public var doubleValue: Double { Double(self) }
  @inlinable public var int64Value: Int64 { isFinite && abs(self) < 9.2e18 ? Int64(self) : 0 }
  @inlinable public init(double: Double) { self.init(double) }
  @inlinable public init(int64: Int64) { self.init(int64) }
  @inlinable public static var one: Self { 1 }
  @inlinable public static func add(_ a: Self, _ b: Self) -> Self { a + b }
  @inlinable public static func subtract(_ a: Self, _ b: Self) -> Self { a - b }
  @inlinable public static func multiply(_ a: Self, _ b: Self) -> Self { a * b }
  @inlinable public static func negate(_ a: Self) -> Self { -a }
}

extension Float: FloatComputeScalar { public static var dtype: DType { .float32 } }
extension Double: FloatComputeScalar { public static var dtype: DType { .float64 } }

extension Float16: TensorScalar {
  public static var dtype: DType { .float16 }
  @inlinable public var compute: Float { Float(self) }
  @inlinable public init(compute: Float) { self.init(compute) }
}

extension BFloat16: TensorScalar {
  public static var dtype: DType { .bfloat16 }
  @inlinable public var compute: Float { Float(self) }
  @inlinable public init(compute: Float) { self.init(compute) }
}
