/// A tensor's values as ``TensorText`` prints them, flat in row-major order.
///
/// Integer dtypes pass their values widened to `Int64`, floating-point dtypes (float16 and
/// bfloat16 included) widened to `Double`.
///
/// ```swift
/// let values = PrintableValues.integer([1, 2, 3, 4])   // a [2, 2] tensor's values
/// print(values.count)                                 // 4
/// ```
public enum PrintableValues: Sendable, Hashable {
  case bool([Bool])
  case integer([Int64])
  case floating([Double])

  /// The number of values.
  public var count: Int {
    switch self {
    case .bool(let values): values.count
    case .integer(let values): values.count
    case .floating(let values): values.count
    }
  }
}
