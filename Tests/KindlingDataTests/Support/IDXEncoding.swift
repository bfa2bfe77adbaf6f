/// Builds IDX file bytes for tests: the magic number, big-endian dimensions, then the payload.
///
/// ```swift
/// idx(code: 0x08, shape: [3], payload: [1, 2, 3])   // 00 00 08 01 00 00 00 03 01 02 03
/// ```
func idx(code: UInt8, shape: [UInt32], payload: [UInt8]) -> [UInt8] {
  var bytes: [UInt8] = [0, 0, code, UInt8(shape.count)]
  for dimension in shape { bytes += bigEndianBytes(dimension) }
  return bytes + payload
}

/// An IDX file of integers, each written big-endian.
func idx<T: FixedWidthInteger>(code: UInt8, shape: [UInt32], values: [T]) -> [UInt8] {
  idx(code: code, shape: shape, payload: values.flatMap(bigEndianBytes))
}

/// An IDX file of uint8 values.
func idxUInt8(shape: [UInt32], values: [UInt8]) -> [UInt8] { idx(code: 0x08, shape: shape, payload: values) }

/// The bytes of `value`, most significant first.
func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
  (0..<MemoryLayout<T>.size).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}
