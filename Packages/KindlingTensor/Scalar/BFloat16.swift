/// Google Brain's 16-bit float (`torch.bfloat16`): float32's 8 exponent bits with 7 mantissa
/// bits. Stored as the upper half of a `Float`; converting from `Float` rounds to nearest even,
/// as PyTorch does.
///
/// ```swift
/// let b = BFloat16(Float(1.0 / 3.0))
/// print(Float(b))   // 0.33398438
/// ```
public struct BFloat16: Sendable, Hashable {
  /// The raw 16 bits.
  public var bitPattern: UInt16

  /// Wraps raw bits.
  public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

  /// The nearest bfloat16 to `value` (ties to even); NaN stays NaN.
  @inlinable
  public init(_ value: Float) {
    if value.isNaN {
      bitPattern = 0x7FC0
      return
    }
    let bits = value.bitPattern
    let roundingBias = 0x7FFF + ((bits >> 16) & 1)
    bitPattern = UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
  }
}

extension Float {
  /// The exact value of a bfloat16.
  @inlinable
  public init(_ value: BFloat16) { self.init(bitPattern: UInt32(value.bitPattern) << 16) }
}
