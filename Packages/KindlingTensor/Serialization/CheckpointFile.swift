#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Plain POSIX file access for checkpoints: positioned reads of an open file, and atomic
/// replacement of a file (write a temporary file beside it, fsync, rename over the target).
enum CheckpointFile {
  /// Test hooks of an atomic write; `beforeRename` runs after the temporary file is complete
  /// and synced, and a throw from it acts like a disk error at that point.
  struct WriteHooks {
    var beforeRename: (_ temporaryPath: String) throws(SafeTensorsError) -> Void = { _ throws(SafeTensorsError) in }
  }

  /// An open file descriptor, for reading.
  struct Reader: ~Copyable {
    let descriptor: Int32
    let path: String
    /// The size of the file when it was opened.
    let size: Int

    init(path: String) throws(SafeTensorsError) {
      self.path = path
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
      var info = stat()
      guard fstat(fd, &info) == 0 else {
        let code = errno
        close(fd)
        throw .io(path: path, operation: "stat", errno: code)
      }
      descriptor = fd
      size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads exactly `count` bytes at `offset` into `destination`.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(SafeTensorsError) {
      var done = 0
      while done < count {
        let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
        if got < 0 {
          if errno == EINTR { continue }
          throw .io(path: path, operation: "read", errno: errno)
        }
        // The file shrank after it was measured.
        guard got > 0 else { throw .io(path: path, operation: "read (unexpected end of file)", errno: EIO) }
        done += got
      }
    }

    /// `count` bytes at `offset`.
    func bytes(count: Int, at offset: Int) throws(SafeTensorsError) -> [UInt8] {
      var out = [UInt8](repeating: 0, count: count)
      var failure: SafeTensorsError?
      out.withUnsafeMutableBytes { buffer in
        do throws(SafeTensorsError) {
          if count > 0 { try read(into: buffer.baseAddress!, count: count, at: offset) }
        } catch { failure = error }
      }
      if let failure { throw failure }
      return out
    }
  }

  /// Where an atomic write sends its bytes: the temporary file's descriptor.
  struct Sink {
    let descriptor: Int32
    let path: String

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SafeTensorsError) {
      var done = 0
      while done < bytes.count {
        let wrote = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if wrote < 0 {
          if errno == EINTR { continue }
          throw .io(path: path, operation: "write", errno: errno)
        }
        done += wrote
      }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(SafeTensorsError) {
      var failure: SafeTensorsError?
      bytes.withUnsafeBytes { buffer in
        do throws(SafeTensorsError) { try write(buffer) } catch { failure = error }
      }
      if let failure { throw failure }
    }
  }

  /// Writes a new file at `path` through `body` without ever leaving a partial file there: the
  /// bytes go to a temporary file in the same directory, which is synced and then renamed over
  /// `path`. On any failure the temporary file is removed and an existing `path` is untouched.
  static func writeAtomically(
    to path: String, hooks: WriteHooks = WriteHooks(), _ body: (Sink) throws(SafeTensorsError) -> Void
  ) throws(SafeTensorsError) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = "\(directory).\(base).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw .io(path: path, operation: "create temporary file", errno: errno) }
    var isOpen = true
    do throws(SafeTensorsError) {
      try body(Sink(descriptor: fd, path: path))
      guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
      isOpen = false
      guard close(fd) == 0 else { throw .io(path: path, operation: "close", errno: errno) }
      try hooks.beforeRename(temporary)
      guard rename(temporary, path) == 0 else { throw .io(path: path, operation: "rename", errno: errno) }
    } catch {
      if isOpen { close(fd) }
      unlink(temporary)
      throw error
    }
    // Make the rename itself durable; the new file is already in place, so this is best effort.
    let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
      fsync(directoryFD)
      close(directoryFD)
    }
  }
}

/// The C `write`, under a name that methods called `write` do not shadow.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
