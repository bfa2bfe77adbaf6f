import KindlingStorage

/// The IDX type codes (the third byte of an IDX file's magic number) and the dtypes they hold.
///
/// | code | dtype | | code | dtype |
/// | --- | --- | --- | --- | --- |
/// | `0x08` | `uint8` | | `0x0C` | `int32` |
/// | `0x09` | `int8` | | `0x0D` | `float32` |
/// | `0x0B` | `int16` | | `0x0E` | `float64` |
///
/// ```swift
/// IDX.dtype(forCode: 0x08)   // .uint8
/// IDX.code(for: .float32)    // 0x0D
/// ```
extension IDX {
  /// The dtype IDX type code `code` stands for, or `nil` if it is not an IDX type code.
  public static func dtype(forCode code: UInt8) -> DType? {
    switch code {
    case 0x08: .uint8
    case 0x09: .int8
    case 0x0B: .int16
    case 0x0C: .int32
    case 0x0D: .float32
    case 0x0E: .float64
    default: nil
    }
  }

  /// The IDX type code of `dtype`, or `nil` for dtypes IDX cannot hold (bool, int64, float16,
  /// bfloat16).
  public static func code(for dtype: DType) -> UInt8? {
    switch dtype {
    case .uint8: 0x08
    case .int8: 0x09
    case .int16: 0x0B
    case .int32: 0x0C
    case .float32: 0x0D
    case .float64: 0x0E
    case .bool, .int64, .float16, .bfloat16: nil
    }
  }
}
