import KindlingStorage

/// A Swift value that ``Tensor/init(_:dtype:requiresGrad:)`` accepts: a number, a `Bool`, or an
/// array of them nested to any depth (`[[1, 2], [3, 4]]`).
///
/// The element type picks the default dtype as PyTorch's `torch.tensor` does for Python
/// values: `Int` gives int64, `Double` and `Float` give float32, `Bool` gives bool; sized
/// Swift types keep their own (`Int32` gives int32, `Float16` float16).
public protocol TensorLiteral {
  /// Appends the values in row-major order and checks the shape at `depth`.
  func collect(into collector: inout LiteralCollector, depth: Int)
}

/// Gathers a nested literal's shape and values; reports ragged nesting with PyTorch's message.
public struct LiteralCollector {
  var shape: [Int] = []
  var shapeKnown: [Bool] = []
  var doubles: [Double] = []
  var integers: [Int64] = []
  var isInteger = true
  var dtype: DType?

  mutating func enter(depth: Int, count: Int) {
    if depth == shape.count {
      precondition(doubles.isEmpty && integers.isEmpty || depth == 0,
                   "tensor: too many dimensions at dim \(depth); nested arrays must all have the same depth")
      shape.append(count)
    } else {
      precondition(depth < shape.count, "tensor: nested arrays must all have the same depth")
      precondition(shape[depth] == count, "tensor: expected sequence of length \(shape[depth]) at dim \(depth) (got \(count))")
    }
  }

  mutating func append(integer value: Int64, dtype: DType, depth: Int) {
    precondition(depth == shape.count, "tensor: nested arrays must all have the same depth (a number at dim \(depth))")
    self.dtype = self.dtype.map { DType.promoted($0, dtype) } ?? dtype
    integers.append(value)
    doubles.append(Double(value))
  }

  mutating func append(floating value: Double, dtype: DType, depth: Int) {
    precondition(depth == shape.count, "tensor: nested arrays must all have the same depth (a number at dim \(depth))")
    self.dtype = self.dtype.map { DType.promoted($0, dtype) } ?? dtype
    isInteger = false
    doubles.append(value)
  }
}

extension Array: TensorLiteral where Element: TensorLiteral {
  public func collect(into collector: inout LiteralCollector, depth: Int) {
    collector.enter(depth: depth, count: count)
    for element in self { element.collect(into: &collector, depth: depth + 1) }
  }
}

extension Int: TensorLiteral {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(integer: Int64(self), dtype: .int64, depth: depth)
  }
}

extension Bool: TensorLiteral {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(integer: self ? 1 : 0, dtype: .bool, depth: depth)
  }
}

extension Double: TensorLiteral {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(floating: self, dtype: .float32, depth: depth)
  }
}

extension Float: TensorLiteral {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(floating: Double(self), dtype: .float32, depth: depth)
  }
}

extension Float16: TensorLiteral {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(floating: Double(self), dtype: .float16, depth: depth)
  }
}

/// Sized integers keep their dtype.
extension TensorLiteral where Self: IntegerComputeScalar {
  public func collect(into c: inout LiteralCollector, depth: Int) {
    c.append(integer: Int64(self), dtype: Self.dtype, depth: depth)
  }
}

extension UInt8: TensorLiteral {}
extension Int8: TensorLiteral {}
extension Int16: TensorLiteral {}
extension Int32: TensorLiteral {}
extension Int64: TensorLiteral {}
