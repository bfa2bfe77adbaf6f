/// Copies `count` big-endian elements of `itemSize` bytes (1, 2, 4 or 8) from `source` (any
/// alignment) to `destination`, converting each to host byte order: one pass, bulk `memcpy`
/// for single bytes, a byte swap per element otherwise (a no-op on big-endian hosts).
///
/// ```swift
/// // source: 01 02  03 04 (two big-endian UInt16)
/// copyBigEndian(from: source, to: destination, count: 2, itemSize: 2)
/// // destination as UInt16: [0x0102, 0x0304]
/// ```
func copyBigEndian(
  from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int, itemSize: Int
) {
  switch itemSize {
  case 1: destination.copyMemory(from: source, byteCount: count)
  case 2: swapCopy(from: source, to: destination, count: count, as: UInt16.self)
  case 4: swapCopy(from: source, to: destination, count: count, as: UInt32.self)
  case 8: swapCopy(from: source, to: destination, count: count, as: UInt64.self)
  default: preconditionFailure("copyBigEndian: item size \(itemSize) is not 1, 2, 4 or 8")
  }
}

/// The byte-swapping loop of ``copyBigEndian(from:to:count:itemSize:)`` for one width. Raw loads
/// and stores keep it valid whatever type the destination memory is later read as.
@inline(__always)
private func swapCopy<Word: FixedWidthInteger>(
  from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int, as word: Word.Type
) {
  let width = MemoryLayout<Word>.size
  for index in 0..<count {
    let value = source.loadUnaligned(fromByteOffset: index * width, as: Word.self)
    destination.storeBytes(of: Word(bigEndian: value), toByteOffset: index * width, as: Word.self)
  }
}
