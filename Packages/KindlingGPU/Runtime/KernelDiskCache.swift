import Foundation

/// Compiled kernel images on disk, in `$XDG_CACHE_HOME/kindling/kernels` (or
/// `~/.cache/kindling/kernels`), so that a new process skips NVRTC for kernels it compiled before.
///
/// A file is named by a hash of its key (the full source, the architecture, the driver's and
/// NVRTC's versions and the options) and holds the key itself, the image's length and a checksum;
/// a file whose key, length or checksum disagrees, or that cannot be read, is ignored (and
/// rewritten by the next ``store(_:for:)``). Files are written to a temporary name and renamed.
package struct KernelDiskCache: Sendable {
  /// The directory holding the files.
  package let directory: String

  /// The cache in `directory`.
  package init(directory: String) { self.directory = directory }

  /// The cache in `$XDG_CACHE_HOME/kindling/kernels`, else `$HOME/.cache/kindling/kernels`;
  /// `nil` when neither variable is set.
  package static func standard(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> KernelDiskCache?
  {
    if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
      return KernelDiskCache(directory: "\(cache)/kindling/kernels")
    }
    if let home = environment["HOME"], !home.isEmpty {
      return KernelDiskCache(directory: "\(home)/.cache/kindling/kernels")
    }
    return nil
  }

  /// The file of `key`.
  package func path(for key: String) -> String {
    "\(directory)/\(String(Self.fnv1a(Array(key.utf8)), radix: 16)).kernel"
  }

  /// The image stored for `key`, or `nil` when there is none or the file is not a valid entry.
  package func load(_ key: String) -> [UInt8]? {
    guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
    let bytes = [UInt8](data)
    var reader = bytes[...]
    guard reader.starts(with: Self.magic) else { return nil }
    reader = reader.dropFirst(Self.magic.count)
    guard let keyLength = Self.readInteger(&reader), keyLength <= reader.count,
      reader.prefix(Int(keyLength)).elementsEqual(key.utf8)
    else { return nil }
    reader = reader.dropFirst(Int(keyLength))
    guard let imageLength = Self.readInteger(&reader), let checksum = Self.readInteger(&reader),
      imageLength == reader.count
    else { return nil }
    let image = Array(reader)
    guard !image.isEmpty, Self.fnv1a(image) == checksum else { return nil }
    return image
  }

  /// Writes `image` as the entry of `key` (best effort: a cache that cannot be written is skipped).
  package func store(_ image: [UInt8], for key: String) {
    var file = Self.magic
    Self.appendInteger(UInt64(key.utf8.count), to: &file)
    file += Array(key.utf8)
    Self.appendInteger(UInt64(image.count), to: &file)
    Self.appendInteger(Self.fnv1a(image), to: &file)
    file += image
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      // `.atomic` writes a temporary file next to the target and renames it over the target.
      try Data(file).write(to: URL(fileURLWithPath: path(for: key)), options: .atomic)
    } catch {
      // A read-only or full disk only costs a recompilation next time.
    }
  }

  /// The header every entry starts with.
  static let magic = Array("kindling-kernel 1\n".utf8)

  /// 64-bit FNV-1a.
  static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    return hash
  }

  static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  static func readInteger(_ reader: inout ArraySlice<UInt8>) -> UInt64? {
    guard reader.count >= 8 else { return nil }
    let value = reader.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    reader = reader.dropFirst(8)
    return value
  }
}
