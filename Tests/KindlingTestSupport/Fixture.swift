import Foundation

/// Reads a JSON fixture written by `Tools/fixtures/generate_fixtures.py` from the calling test
/// target's `Fixtures/` folder (found by walking up from the calling file).
public func loadFixture<T: Decodable>(_ name: String, as type: T.Type, file: StaticString = #filePath) throws -> T {
  var directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Fixtures").path),
    directory.path != "/"
  {
    directory.deleteLastPathComponent()
  }
  let url = directory.appendingPathComponent("Fixtures").appendingPathComponent(name)
  return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}
