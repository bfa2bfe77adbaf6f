#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An owned, growable block of bytes that file reads and zlib write into directly, so loading a
/// file costs bulk writes only, never per-byte appends.
///
/// Unlike `Array.reserveCapacity`, growing can fail without crashing: ``reserve(_:)`` returns
/// `false` when the system has no memory for it.
///
/// ```swift
/// let buffer = ByteBuffer()
/// guard buffer.reserve(4) else { … }
/// buffer.base!.storeBytes(of: 0x0803_0000, as: UInt32.self)
/// buffer.count = 4
/// buffer.bytes   // 4 bytes
/// ```
final class ByteBuffer {
  /// The first byte, `nil` until something is reserved.
  private(set) var base: UnsafeMutableRawPointer?
  /// The bytes allocated.
  private(set) var capacity = 0
  /// The bytes written, `0...capacity`.
  var count = 0 {
    didSet { precondition(count >= 0 && count <= capacity, "ByteBuffer: count \(count) outside 0...\(capacity)") }
  }

  init() {}

  deinit { free(base) }

  /// The written bytes, valid while the buffer lives and is not grown.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  /// The bytes after ``count`` still free to write into.
  var freeBytes: Int { capacity - count }

  /// The first byte after the written ones.
  var end: UnsafeMutableRawPointer? { base.map { $0 + count } }

  /// Makes the capacity at least `newCapacity`, keeping the written bytes; `false` if the system
  /// has no memory for it.
  func reserve(_ newCapacity: Int) -> Bool {
    guard newCapacity > capacity else { return true }
    guard let grown = realloc(base, newCapacity) else { return false }
    base = grown
    capacity = newCapacity
    return true
  }
}
