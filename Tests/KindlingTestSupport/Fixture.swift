import Foundation

/// Reads a JSON fixture written by `Tools/fixtures/generate_fixtures.py` from the calling test
/// target's `Fixtures/` folder (found by walking up from the calling file).
public func loadFixture<T: Decodable>(_ name: String, as type: T.Type, file: StaticString = #filePath) throws -> T {
  try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtureURL(name, file: file)))
}

/// The location of fixture file `name` (JSON, or a binary file such as a `.safetensors`
/// checkpoint) in the calling test target's `Fixtures/` folder.
public func fixtureURL(_ name: String, file: StaticString = #filePath) -> URL {
  var directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Fixtures").path),
    directory.path != "/"
  {
    directory.deleteLastPathComponent()
  }
  return directory.appendingPathComponent("Fixtures").appendingPathComponent(name)
}
