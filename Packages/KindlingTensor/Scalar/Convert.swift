/// Converts one computed value to another compute type with PyTorch's casting rules: to `Bool`
/// by `!= 0` (NaN is `true`), float to integer by truncation toward zero, integers wrapping,
/// `Int64` to `Int64` exactly.
///
/// ```swift
/// let b: Bool = convertScalar(Float(0.5))   // true
/// let i: Int8 = convertScalar(Int64(300))   // 44
/// ```
@inlinable
public func convertScalar<I: ComputeScalar, O: ComputeScalar>(_ value: I) -> O {
  if let same = value as? O { return same }
  if I.self is any FloatComputeScalar.Type || O.self is any FloatComputeScalar.Type {
    return O(double: value.doubleValue)
  }
  return O(int64: value.int64Value)
}
