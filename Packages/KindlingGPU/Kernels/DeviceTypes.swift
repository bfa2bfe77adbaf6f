import KindlingStorage

extension DType {
  /// The element's type in kernel source (bool is a byte holding 0 or 1), or `nil` when the
  /// GPU kernels do not handle the dtype yet.
  var kernelType: String? {
    switch self {
    case .float32: "float"
    case .float64: "double"
    case .int64: "i64"
    case .int32: "i32"
    case .int16: "i16"
    case .int8: "i8"
    case .uint8, .bool: "u8"
    case .float16, .bfloat16: nil
    }
  }

  /// The accumulator type of sums and products: double for floating point, i64 for the rest.
  var kernelAccumulator: String { isFloatingPoint ? "double" : "i64" }
}
