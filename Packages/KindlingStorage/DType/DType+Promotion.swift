// PyTorch's type promotion (`torch.promote_types`), derived from the categories rather than
// copied as a table. Tests compare every pair with a fixture written by real PyTorch.

extension DType {
  /// The smallest dtype both `a` and `b` convert to without losing their category
  /// (`torch.promote_types(a, b)`).
  ///
  /// - A boolean promotes to the other type; an integer meets a float in the float.
  /// - Two floats give the wider one; float16 and bfloat16 meet in float32.
  /// - Two integers of the same signedness give the wider one; `uint8` with a signed type gives
  ///   that type widened to at least 16 bits (`uint8` + `int8` is `int16`).
  ///
  /// ```swift
  /// DType.promoted(.int32, .float16)   // .float16
  /// DType.promoted(.uint8, .int8)      // .int16
  /// ```
  public static func promoted(_ a: DType, _ b: DType) -> DType {
    if a == b { return a }
    if a.category != b.category { return a.category > b.category ? a : b }
    switch a.category {
    case .boolean:
      return a
    case .floatingPoint:
      if a.itemSize == b.itemSize { return .float32 }  // float16 with bfloat16
      return a.itemSize > b.itemSize ? a : b
    case .integral:
      if a.isSigned == b.isSigned { return a.itemSize > b.itemSize ? a : b }
      let signed = a.isSigned ? a : b
      return signed.itemSize >= 2 ? signed : .int16
    }
  }
}
