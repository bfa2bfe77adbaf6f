import CKindlingZlib
import KindlingTensor

/// NumPy's `.npz` archives (`numpy.savez`, `numpy.savez_compressed`): a zip file of `.npy`
/// entries, stored or deflated, zip64 or not. Each entry `name.npy` becomes the tensor `name`.
///
/// The archive is untrusted: every offset and size is checked against the file, deflated data
/// is inflated with zlib into exactly the size the directory announces, and each entry's CRC-32
/// is verified.
///
/// ```swift
/// let arrays = try NPZ.load(contentsOf: "weights.npz")
/// arrays["w"]?.shape   // [256, 784]
/// ```
public enum NPZ {
  /// The arrays of the `.npz` file at `path`, in the archive's order.
  ///
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)``,
  ///   ``DataSetError/malformed(path:format:problem:)`` for a corrupt archive or entry.
  public static func load(contentsOf path: String) throws(DataSetError) -> StateDict {
    let file = try FileReader.contents(of: path)
    return try withExtendedLifetime(file) { () throws(DataSetError) in try parse(file.bytes, source: path) }
  }

  /// Parses the bytes of a `.npz` file; `source` names it in errors.
  public static func parse(_ bytes: [UInt8], source: String) throws(DataSetError) -> StateDict {
    try bytes.withUnsafeBytes { raw in Result { () throws(DataSetError) in try parse(raw, source: source) } }.get()
  }

  static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataSetError) -> StateDict {
    var arrays = StateDict()
    for entry in try ZipDirectory(bytes, source: source).entries {
      let data = try entry.contents(of: bytes, source: source)
      let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
      arrays[name] = try data.withUnsafeBytes { raw in
        Result { () throws(DataSetError) in try NPY.parse(raw, source: "\(source) (entry \(entry.name))") }
      }.get()
    }
    return arrays
  }
}

/// The central directory of a zip archive, checked against the archive's size.
struct ZipDirectory {
  struct Entry {
    var name: String
    var method: UInt16
    var crc: UInt32
    var compressedSize: Int
    var size: Int
    var localHeaderOffset: Int

    /// The entry's bytes, inflated if deflated, CRC-checked.
    func contents(of archive: UnsafeRawBufferPointer, source: String) throws(DataSetError) -> [UInt8] {
      let reader = ByteReader(archive, source: source)
      func bad(_ problem: String) -> DataSetError { reader.bad("entry \(name): \(problem)") }
      let local = localHeaderOffset
      guard try reader.uint32(at: local) == 0x0403_4b50 else { throw bad("no local file header at offset \(local)") }
      let start = local + 30 + Int(try reader.uint16(at: local + 26)) + Int(try reader.uint16(at: local + 28))
      guard start <= archive.count, compressedSize <= archive.count - start else {
        throw bad("its \(compressedSize) bytes of data run past the end of the file")
      }
      let input = UnsafeRawBufferPointer(rebasing: archive[start..<start + compressedSize])
      var output: [UInt8]
      switch method {
      case 0:
        guard compressedSize == size else { throw bad("stored data of \(compressedSize) bytes claims to hold \(size)") }
        output = Array(input)
      case 8:
        output = try inflateRaw(input, size: size, bad)
      default:
        throw bad("compression method \(method) is neither stored (0) nor deflate (8)")
      }
      let check = output.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
      guard check == crc else { throw bad("CRC-32 mismatch (the data is corrupt)") }
      return output
    }
  }

  var entries: [Entry] = []

  init(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataSetError) {
    let reader = ByteReader(bytes, source: source)
    // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
    guard bytes.count >= 22 else { throw reader.bad("it is too short for a zip archive (\(bytes.count) bytes)") }
    var eocd = -1
    for position in stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 65535), by: -1)
    where try reader.uint32(at: position) == 0x0605_4b50 {
      eocd = position
      break
    }
    guard eocd >= 0 else { throw reader.bad("no zip end-of-central-directory record (not a zip archive, or truncated)") }
    var count = Int(try reader.uint16(at: eocd + 10))
    var directorySize = Int(try reader.uint32(at: eocd + 12))
    var offset = Int(try reader.uint32(at: eocd + 16))
    if count == 0xFFFF || offset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF {
      // Zip64: a locator just before the record points at the zip64 end record.
      guard eocd >= 20, try reader.uint32(at: eocd - 20) == 0x0706_4b50 else { throw reader.bad("zip64 locator missing") }
      let record = try reader.int64(at: eocd - 12)
      guard try reader.uint32(at: record) == 0x0606_4b50 else { throw reader.bad("zip64 end record missing") }
      count = try reader.int64(at: record + 32)
      directorySize = try reader.int64(at: record + 40)
      offset = try reader.int64(at: record + 48)
    }
    guard offset <= bytes.count, directorySize <= bytes.count - offset else {
      throw reader.bad("the central directory (offset \(offset), \(directorySize) bytes) lies outside the file")
    }
    guard count <= directorySize / 46 else { throw reader.bad("\(count) entries cannot fit in a \(directorySize)-byte directory") }
    var position = offset
    for _ in 0..<count {
      guard try reader.uint32(at: position) == 0x0201_4b50 else {
        throw reader.bad("central directory entry at offset \(position) has a bad signature")
      }
      let nameLength = Int(try reader.uint16(at: position + 28))
      let extraLength = Int(try reader.uint16(at: position + 30))
      let commentLength = Int(try reader.uint16(at: position + 32))
      var entry = Entry(
        name: String(decoding: try reader.bytes(at: position + 46, count: nameLength), as: UTF8.self),
        method: try reader.uint16(at: position + 10), crc: try reader.uint32(at: position + 16),
        compressedSize: Int(try reader.uint32(at: position + 20)), size: Int(try reader.uint32(at: position + 24)),
        localHeaderOffset: Int(try reader.uint32(at: position + 42)))
      // Zip64 extra field (id 1): the 64-bit values of the fields that read 0xFFFFFFFF, in order.
      var extra = position + 46 + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd {
        let id = try reader.uint16(at: extra), size = Int(try reader.uint16(at: extra + 2))
        if id == 1 {
          var field = extra + 4
          for keyPath in [\Entry.size, \Entry.compressedSize, \Entry.localHeaderOffset] where entry[keyPath: keyPath] == 0xFFFF_FFFF {
            guard field + 8 <= extra + 4 + size else { throw reader.bad("entry \(entry.name): truncated zip64 field") }
            entry[keyPath: keyPath] = try reader.int64(at: field)
            field += 8
          }
        }
        extra += 4 + size
      }
      entries.append(entry)
      position = extraEnd + commentLength
    }
  }
}

/// Bounds-checked little-endian reads from an untrusted buffer.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  let source: String

  init(_ bytes: UnsafeRawBufferPointer, source: String) {
    self.bytes = bytes
    self.source = source
  }

  func bad(_ problem: String) -> DataSetError { .malformed(path: source, format: ".npz (zip)", problem: problem) }

  func bytes(at offset: Int, count: Int) throws(DataSetError) -> UnsafeRawBufferPointer {
    guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
      throw bad("a field at offset \(offset) runs past the end of the file (\(bytes.count) bytes)")
    }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
  }

  func uint16(at offset: Int) throws(DataSetError) -> UInt16 {
    UInt16(littleEndian: try bytes(at: offset, count: 2).loadUnaligned(as: UInt16.self))
  }

  func uint32(at offset: Int) throws(DataSetError) -> UInt32 {
    UInt32(littleEndian: try bytes(at: offset, count: 4).loadUnaligned(as: UInt32.self))
  }

  /// A 64-bit field, rejected if it does not fit an `Int`.
  func int64(at offset: Int) throws(DataSetError) -> Int {
    let value = UInt64(littleEndian: try bytes(at: offset, count: 8).loadUnaligned(as: UInt64.self))
    guard value <= UInt64(Int.max) else { throw bad("a 64-bit size at offset \(offset) is out of range") }
    return Int(value)
  }
}

/// Raw deflate (no zlib or gzip wrapper) of `input` into exactly `size` bytes.
private func inflateRaw(
  _ input: UnsafeRawBufferPointer, size: Int, _ bad: (String) -> DataSetError
) throws(DataSetError) -> [UInt8] {
  // Deflate expands at most 1032:1, so a larger claim is a lie (and must not be allocated).
  guard size <= input.count * 1032 + 64 else {
    throw bad("it claims \(size) bytes once inflated, more than its \(input.count) compressed bytes can hold")
  }
  var output = [UInt8](repeating: 0, count: size + 1)  // one spare byte proves a longer stream
  let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  stream.initialize(to: z_stream())
  defer {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }
  guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
    throw bad("zlib could not start inflating")
  }
  let (status, produced) = output.withUnsafeMutableBufferPointer { out in
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    stream.pointee.next_out = out.baseAddress
    stream.pointee.avail_out = uInt(out.count)
    let status = inflate(stream, Z_FINISH)
    return (status, out.count - Int(stream.pointee.avail_out))
  }
  guard status == Z_STREAM_END else {
    let message = stream.pointee.msg.map { String(cString: $0) } ?? "the deflate stream is truncated or corrupt"
    throw bad("inflating failed: \(message)")
  }
  guard produced == size else { throw bad("it inflates to \(produced) bytes, but the directory says \(size)") }
  output.removeLast()
  return output
}
