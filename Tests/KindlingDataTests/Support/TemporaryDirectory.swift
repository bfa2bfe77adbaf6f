import Foundation

/// Runs `body` with a fresh directory under the system's temporary directory and removes the
/// directory (and everything written into it) afterwards.
@discardableResult
func withTemporaryDirectory<R>(_ body: (TemporaryDirectory) throws -> R) throws -> R {
  let directory = try TemporaryDirectory()
  defer { try? FileManager.default.removeItem(atPath: directory.path) }
  return try body(directory)
}

/// A scratch directory for one test, made by ``withTemporaryDirectory(_:)``.
struct TemporaryDirectory {
  /// The directory's absolute path.
  let path: String

  fileprivate init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("KindlingDataTests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `bytes` to file `name` in the directory and returns the file's path.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) throws -> String {
    let file = path + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    return file
  }
}
