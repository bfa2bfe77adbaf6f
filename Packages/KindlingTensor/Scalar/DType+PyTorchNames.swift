import KindlingStorage

// The names PyTorch's error messages give dtypes, so that ours read the same.

extension DType {
  /// `Float`, `Long`, … as PyTorch names types in cast errors.
  public var pytorchTitle: String {
    switch self {
    case .bool: "Bool"
    case .uint8: "Byte"
    case .int8: "Char"
    case .int16: "Short"
    case .int32: "Int"
    case .int64: "Long"
    case .float16: "Half"
    case .bfloat16: "BFloat16"
    case .float32: "Float"
    case .float64: "Double"
    }
  }

  /// The C++ name PyTorch's dtype-check messages use (`float`, `long int`, `c10::Half`).
  var cppName: String {
    switch self {
    case .bool: "bool"
    case .uint8: "unsigned char"
    case .int8: "signed char"
    case .int16: "short int"
    case .int32: "int"
    case .int64: "long int"
    case .float16: "c10::Half"
    case .bfloat16: "c10::BFloat16"
    case .float32: "float"
    case .float64: "double"
    }
  }
}
