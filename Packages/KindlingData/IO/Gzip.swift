import CKindlingZlib

/// Gzip decompression with zlib, for data that cannot be trusted: the output is capped, so a
/// zip bomb throws instead of filling memory, and corrupt or truncated streams throw.
///
/// Concatenated gzip members (as `cat a.gz b.gz` or `pigz` write them) decompress to the
/// concatenation of their contents, as `gunzip` does; zero padding after the last member is
/// ignored, anything else after it is an error.
///
/// ```swift
/// if Gzip.isCompressed(bytes) {
///   let plain = try Gzip.decompress(bytes, source: path, limit: 1 << 30)
///   plain.bytes   // the decompressed bytes
/// }
/// ```
enum Gzip {
  /// `true` if `bytes` starts with the gzip magic number `1f 8b`.
  static func isCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
  }

  /// All of `input` decompressed.
  ///
  /// - Throws: ``DataSetError/decompressedTooLarge(path:limit:)`` if the output would exceed
  ///   `limit` bytes, ``DataSetError/corruptGzip(path:message:)`` if the stream is corrupt or
  ///   ends early, ``DataSetError/outOfMemory(path:requestedBytes:)``.
  static func decompress(
    _ input: UnsafeRawBufferPointer, source: String, limit: Int
  ) throws(DataSetError) -> ByteBuffer {
    precondition(limit >= 0, "Gzip.decompress: limit must not be negative, but got \(limit)")
    let output = ByteBuffer()
    // The output may grow to one byte past the limit: reaching it proves the limit is exceeded.
    let hardCapacity = limit == .max ? limit : limit + 1
    // The trailer's ISIZE (size mod 2^32) sizes the buffer, within deflate's 1032:1 ratio bound.
    let ratioBound = input.count > (Int.max - 4096) / 1032 ? Int.max : input.count * 1032 + 4096
    let initial = min(hardCapacity, ratioBound, max(trailerSize(input), 64 << 10))
    guard output.reserve(initial) else { throw .outOfMemory(path: source, requestedBytes: initial) }
    try inflate(input, source: source, into: output, capacity: hardCapacity, prefixOnly: false)
    if output.count > limit { throw .decompressedTooLarge(path: source, limit: limit) }
    return output
  }

  /// The first `count` decompressed bytes of `input` (fewer if the stream holds fewer), which
  /// may be only the start of a gzip file: the header of an IDX file without inflating the rest.
  ///
  /// - Throws: ``DataSetError/corruptGzip(path:message:)`` if the bytes given are corrupt.
  static func decompressPrefix(
    _ input: UnsafeRawBufferPointer, source: String, count: Int
  ) throws(DataSetError) -> [UInt8] {
    guard count > 0 else { return [] }
    let output = ByteBuffer()
    guard output.reserve(count) else { throw .outOfMemory(path: source, requestedBytes: count) }
    try inflate(input, source: source, into: output, capacity: count, prefixOnly: true)
    return Array(output.bytes)
  }

  /// The uncompressed size mod 2^32 that the last four bytes (ISIZE) claim; only a hint.
  private static func trailerSize(_ input: UnsafeRawBufferPointer) -> Int {
    guard input.count >= 18 else { return 0 }
    let tail = input.count - 4
    return (0..<4).reduce(0) { $0 | Int(input[tail + $1]) << (8 * $1) }
  }

  /// Inflates `input` into `output`, growing it by doubling up to `capacity` bytes.
  ///
  /// When `prefixOnly`, stops without error once `capacity` bytes are out or the input runs out;
  /// otherwise filling `capacity` stops it (the caller reports the limit) and input that ends
  /// before the stream does is an error.
  private static func inflate(
    _ input: UnsafeRawBufferPointer, source: String, into output: ByteBuffer, capacity: Int, prefixOnly: Bool
  ) throws(DataSetError) {
    // zlib checks that the stream has not moved since inflateInit, so it lives on the heap.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer {
      inflateEnd(stream)
      stream.deinitialize(count: 1)
      stream.deallocate()
    }
    // windowBits 15 + 32: the largest window, and detect the gzip (or zlib) header automatically.
    let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw corrupt(stream, status, source) }
    guard let inputBase = input.baseAddress?.assumingMemoryBound(to: Bytef.self) else {
      if prefixOnly { return }
      throw .corruptGzip(path: source, message: "the data is empty")
    }

    let chunk = Int(UInt32.max)  // zlib counts bytes in 32-bit fields
    var fedEnd = 0  // input bytes handed to zlib so far
    while true {
      if stream.pointee.avail_in == 0 && fedEnd < input.count {
        let length = min(chunk, input.count - fedEnd)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBase + fedEnd)
        stream.pointee.avail_in = uInt(length)
        fedEnd += length
      }
      if output.freeBytes == 0 {
        if output.count >= capacity { return }
        let grown = min(capacity, output.capacity > capacity / 2 ? capacity : output.capacity * 2)
        guard output.reserve(grown) else { throw .outOfMemory(path: source, requestedBytes: grown) }
      }
      let room = min(output.freeBytes, chunk)
      stream.pointee.next_out = output.end!.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(room)
      let status = CKindlingZlib.inflate(stream, Z_NO_FLUSH)
      output.count += room - Int(stream.pointee.avail_out)

      let unread = Int(stream.pointee.avail_in) + (input.count - fedEnd)
      switch status {
      case Z_OK:
        continue
      case Z_STREAM_END:
        // One member is done; another may follow, or zero padding, or nothing.
        let position = input.count - unread
        if unread == 0 { return }
        if unread >= 2 && input[position] == 0x1f && input[position + 1] == 0x8b {
          inflateReset(stream)
          continue
        }
        if input[position...].allSatisfy({ $0 == 0 }) { return }
        throw .corruptGzip(
          path: source, message: "\(unread) bytes of unexpected data follow the end of the gzip stream")
      case Z_BUF_ERROR where output.freeBytes == 0:
        continue  // needs more room: grow, or stop at the capacity
      case Z_BUF_ERROR where unread == 0:
        if prefixOnly { return }
        throw .corruptGzip(
          path: source, message: "the compressed data ends before the gzip stream does (the file is truncated)")
      default:
        throw corrupt(stream, status, source)
      }
    }
  }

  /// The error for zlib status `status`, with zlib's message where it gave one.
  private static func corrupt(
    _ stream: UnsafeMutablePointer<z_stream>, _ status: Int32, _ source: String
  ) -> DataSetError {
    if status == Z_MEM_ERROR { return .outOfMemory(path: source, requestedBytes: MemoryLayout<z_stream>.size) }
    let message: String
    if let text = stream.pointee.msg {
      message = "zlib reports \"\(String(cString: text))\""
    } else if status == Z_NEED_DICT {
      message = "the stream needs a preset dictionary, which gzip files never do"
    } else {
      message = "zlib failed with status \(status)"
    }
    return .corruptGzip(path: source, message: message)
  }
}
