import KindlingStorage

/// Plain Swift numbers stand for 0-dimensional tensors wherever a tensor is expected, so that
/// `x + 2`, `3 * y` and `t[0] = 7` read as in PyTorch. Such a number is a *wrapped number*: it
/// yields to tensors in type promotion (`Tensor([1], dtype: .int32) + 2` stays int32).
extension Tensor: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
  public convenience init(integerLiteral value: Int) {
    self.init(scalar: Double(value), dtype: .int64, integer: Int64(value))
  }

  public convenience init(floatLiteral value: Double) {
    self.init(scalar: value, dtype: .float64, integer: nil)
  }

  public convenience init(booleanLiteral value: Bool) {
    self.init(scalar: value ? 1 : 0, dtype: .bool, integer: value ? 1 : 0)
  }

  private convenience init(scalar: Double, dtype: DType, integer: Int64?) {
    self.init(uninitializedShape: [], contiguousStrides: [], dtype: dtype, device: .cpu, wrapped: true)
    fill(fromDoubles: [scalar], integers: integer.map { [$0] })
  }
}
