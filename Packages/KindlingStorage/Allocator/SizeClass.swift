/// The block sizes the caching allocator deals in.
///
/// Requests are rounded up to a multiple of a quarter of the largest power of two below them
/// (never finer than 64 bytes), so a reused block wastes at most 25% and there are only four
/// classes per power of two: `100 → 128`, `1000 → 1024`, `1025 → 1280`, `64 MiB → 64 MiB`.
enum SizeClass {
  /// The smallest block, also the alignment of every block.
  static let minimum = 64
  /// Requests above this many bytes are refused without asking the system (no machine has it,
  /// and rounding could overflow).
  static let largestRequest = 1 << 56

  /// The block size that serves a request of `byteCount` bytes.
  ///
  /// Steps are powers of two, so rounding is a mask and no division: a 64-bit `idiv` costs tens
  /// of cycles, and every allocation and free of a tensor's storage computes its block size.
  @inline(__always)
  static func blockSize(for byteCount: Int) -> Int {
    precondition(byteCount >= 0, "cannot allocate a negative number of bytes (\(byteCount))")
    precondition(byteCount <= largestRequest, "request of \(byteCount) bytes is too large to round")
    if byteCount <= minimum { return minimum }
    let highestBit = Int.bitWidth - 1 - (byteCount - 1).leadingZeroBitCount
    let step = max((1 << highestBit) >> 2, minimum)
    return (byteCount + step - 1) & ~(step - 1)
  }

  /// A dense index for a block size returned by ``blockSize(for:)``: 0 for 64 bytes, then one
  /// per class in increasing size, so free lists can live in an array instead of a hash table.
  @inline(__always)
  static func index(ofBlockSize size: Int) -> Int {
    if size <= 256 { return size / minimum - 1 }  // 64, 128, 192, 256: steps of 64
    let highestBit = Int.bitWidth - 1 - (size - 1).leadingZeroBitCount  // size in (2^h, 2^(h+1)]
    return 4 + (highestBit - 8) * 4 + ((size - (1 << highestBit)) >> (highestBit - 2)) - 1
  }
}
