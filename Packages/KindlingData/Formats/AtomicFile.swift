#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files atomically: the bytes go to a temporary file next to the target, are flushed
/// to disk, and the temporary file is renamed over the target, so a reader sees the old file or
/// the whole new one, never half of it, and a failed write leaves nothing behind.
///
/// ```swift
/// try AtomicFile.write([1, 2, 3], to: "/tmp/out.bin")
/// ```
enum AtomicFile {
  /// Replaces the file at `path` with `bytes`.
  ///
  /// - Throws: ``DataSetError/writeFailed(path:reason:)``.
  static func write(_ bytes: [UInt8], to path: String) throws(DataSetError) {
    let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .writeFailed(path: path, reason: systemError()) }
    var written = 0
    let failure: String? = bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let result = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return systemError()
        }
        written += result
      }
      return fsync(descriptor) == 0 ? nil : systemError()
    }
    let closed = close(descriptor) == 0
    if let failure = failure ?? (closed ? nil : systemError()) {
      unlink(temporary)
      throw .writeFailed(path: path, reason: failure)
    }
    guard rename(temporary, path) == 0 else {
      let reason = systemError()
      unlink(temporary)
      throw .writeFailed(path: path, reason: reason)
    }
  }

  private static func systemError() -> String { String(cString: strerror(errno)) }
}
