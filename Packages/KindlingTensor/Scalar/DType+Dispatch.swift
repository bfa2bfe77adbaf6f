import KindlingStorage

/// Work that is written once, generically over the element type, and run for a dtype chosen at
/// run time: ``DType/dispatch(_:)`` calls ``visit(_:)`` with the dtype's element type.
///
/// ```swift
/// struct ElementSize: DTypeVisitor {
///   func visit<T: TensorScalar>(_: T.Type) -> Int { MemoryLayout<T>.stride }
/// }
/// DType.float16.dispatch(ElementSize())   // 2
/// ```
public protocol DTypeVisitor {
  associatedtype Result
  func visit<T: TensorScalar>(_ type: T.Type) -> Result
}

/// Like ``DTypeVisitor`` for work that only makes sense on compute types (every dtype but
/// float16 and bfloat16 is its own compute type).
public protocol ComputeVisitor {
  associatedtype Result
  func visit<T: ComputeScalar>(_ type: T.Type) -> Result
}

extension DType {
  /// Calls `visitor` with this dtype's element type.
  @inlinable
  public func dispatch<V: DTypeVisitor>(_ visitor: V) -> V.Result {
    switch self {
    case .bool: visitor.visit(Bool.self)
    case .uint8: visitor.visit(UInt8.self)
    case .int8: visitor.visit(Int8.self)
    case .int16: visitor.visit(Int16.self)
    case .int32: visitor.visit(Int32.self)
    case .int64: visitor.visit(Int64.self)
    case .float16: visitor.visit(Float16.self)
    case .bfloat16: visitor.visit(BFloat16.self)
    case .float32: visitor.visit(Float.self)
    case .float64: visitor.visit(Double.self)
    }
  }

  /// Calls `visitor` with this dtype's compute type: `Float` for float16 and bfloat16.
  @inlinable
  public func dispatchCompute<V: ComputeVisitor>(_ visitor: V) -> V.Result {
    switch self {
    case .bool: visitor.visit(Bool.self)
    case .uint8: visitor.visit(UInt8.self)
    case .int8: visitor.visit(Int8.self)
    case .int16: visitor.visit(Int16.self)
    case .int32: visitor.visit(Int32.self)
    case .int64: visitor.visit(Int64.self)
    case .float16, .bfloat16, .float32: visitor.visit(Float.self)
    case .float64: visitor.visit(Double.self)
    }
  }
}

/// Work for floating-point dtypes only; the element's compute type is `Float` or `Double`.
public protocol FloatVisitor {
  associatedtype Result
  func visit<T: TensorScalar>(_ type: T.Type) -> Result where T.Compute: FloatComputeScalar
}

/// Work for integer dtypes (and `bool` where the caller allows it).
public protocol IntegerVisitor {
  associatedtype Result
  func visit<T: TensorScalar>(_ type: T.Type) -> Result where T.Compute: IntegerComputeScalar
}

extension DType {
  /// Calls `visitor` with this floating-point dtype's element type.
  ///
  /// - Precondition: the dtype is float16, bfloat16, float32 or float64; `op` names the caller
  ///   in the message otherwise.
  @inlinable
  public func dispatchFloat<V: FloatVisitor>(_ visitor: V, op: String) -> V.Result {
    switch self {
    case .float16: visitor.visit(Float16.self)
    case .bfloat16: visitor.visit(BFloat16.self)
    case .float32: visitor.visit(Float.self)
    case .float64: visitor.visit(Double.self)
    default: preconditionFailure("\(op): expected a floating-point tensor, but got \(self)")
    }
  }

  /// Calls `visitor` with this integer dtype's element type.
  ///
  /// - Precondition: the dtype is an integer type; `op` names the caller otherwise.
  @inlinable
  public func dispatchInteger<V: IntegerVisitor>(_ visitor: V, op: String) -> V.Result {
    switch self {
    case .uint8: visitor.visit(UInt8.self)
    case .int8: visitor.visit(Int8.self)
    case .int16: visitor.visit(Int16.self)
    case .int32: visitor.visit(Int32.self)
    case .int64: visitor.visit(Int64.self)
    default: preconditionFailure("\(op): expected an integer tensor, but got \(self)")
    }
  }
}
