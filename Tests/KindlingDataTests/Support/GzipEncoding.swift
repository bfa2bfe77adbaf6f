import CKindlingZlib

/// Gzip-compresses `bytes` with zlib's deflate (windowBits 15 + 16 writes a gzip wrapper).
///
/// ```swift
/// let compressed = gzip(idxUInt8(shape: [2], values: [1, 2]))   // starts 1f 8b
/// ```
func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
  let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  stream.initialize(to: z_stream())
  defer {
    deflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }
  let status = deflateInit2_(
    stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
  precondition(status == Z_OK, "deflateInit2 failed: \(status)")
  var input = bytes
  let bound = Int(deflateBound(stream, uLong(bytes.count)))
  var output = [UInt8](repeating: 0, count: bound)
  let written = input.withUnsafeMutableBufferPointer { inputBuffer in
    output.withUnsafeMutableBufferPointer { outputBuffer in
      stream.pointee.next_in = inputBuffer.baseAddress
      stream.pointee.avail_in = uInt(inputBuffer.count)
      stream.pointee.next_out = outputBuffer.baseAddress
      stream.pointee.avail_out = uInt(outputBuffer.count)
      let result = deflate(stream, Z_FINISH)
      precondition(result == Z_STREAM_END, "deflate did not finish: \(result)")
      return outputBuffer.count - Int(stream.pointee.avail_out)
    }
  }
  return Array(output[..<written])
}
