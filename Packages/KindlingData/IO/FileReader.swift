#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads files with POSIX calls into a ``ByteBuffer``: one allocation sized from `fstat`, then
/// `read`s straight into it.
///
/// ```swift
/// let file = try FileReader.contents(of: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
/// file.count   // 5148
/// let head = try FileReader.contents(of: path, maxBytes: 64)   // only the first 64 bytes
/// ```
enum FileReader {
  /// The whole file at `path`, or its first `maxBytes` bytes.
  ///
  /// A regular file has a size and is read whole; anything else (a pipe, a device such as
  /// `/dev/zero`) may never end, so reading more than `streamLimit` bytes from it throws.
  ///
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)`` if it cannot be opened or read,
  ///   ``DataSetError/outOfMemory(path:requestedBytes:)`` if its bytes do not fit in memory,
  ///   ``DataSetError/decompressedTooLarge(path:limit:)`` past `streamLimit`.
  static func contents(
    of path: String, maxBytes: Int = .max, streamLimit: Int = .max
  ) throws(DataSetError) -> ByteBuffer {
    precondition(maxBytes >= 0, "FileReader.contents(of:): maxBytes must not be negative, but got \(maxBytes)")
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .fileUnreadable(path: path, reason: systemError()) }
    defer { close(descriptor) }

    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .fileUnreadable(path: path, reason: systemError()) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw .fileUnreadable(path: path, reason: "it is a directory") }
    let isRegular = (info.st_mode & S_IFMT) == S_IFREG
    // Regular files say their size; one byte more lets the last read see the end without growing.
    let sizeHint = isRegular ? Int(info.st_size) + 1 : 64 << 10
    // A stream is read to one byte past its limit, which proves the limit exceeded.
    let maxBytes = isRegular || streamLimit == .max ? maxBytes : min(maxBytes, streamLimit + 1)
    let buffer = ByteBuffer()
    guard buffer.reserve(max(1, min(sizeHint, maxBytes))) else {
      throw .outOfMemory(path: path, requestedBytes: sizeHint)
    }

    while buffer.count < maxBytes {
      if buffer.freeBytes == 0 {
        let grown = min(maxBytes, buffer.capacity > Int.max / 2 ? Int.max : buffer.capacity * 2)
        guard buffer.reserve(grown) else { throw .outOfMemory(path: path, requestedBytes: grown) }
      }
      let wanted = min(buffer.freeBytes, maxBytes - buffer.count, 1 << 30)
      let got = read(descriptor, buffer.end, wanted)
      if got < 0 {
        if errno == EINTR { continue }
        throw .fileUnreadable(path: path, reason: systemError())
      }
      if got == 0 { break }
      buffer.count += got
    }
    if buffer.count > streamLimit { throw .decompressedTooLarge(path: path, limit: streamLimit) }
    return buffer
  }

  /// `true` if `path` names something that is not a directory (following symbolic links).
  static func isFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
  }

  /// The C library's explanation of `errno`, such as `No such file or directory`.
  private static func systemError() -> String { String(cString: strerror(errno)) }
}
