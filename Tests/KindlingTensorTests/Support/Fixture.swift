import Foundation

/// Reads a JSON fixture written by `Tools/fixtures/generate_fixtures.py` from `Fixtures/`.
func loadFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").appendingPathComponent(name)
  return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}
