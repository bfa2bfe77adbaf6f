import Foundation

/// Reads a JSON fixture written by `Tools/fixtures/generate_fixtures.py` from the test target's
/// `Fixtures/` folder.
func loadFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
  let url = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support/
    .deletingLastPathComponent()  // KindlingTensorTests/
    .appendingPathComponent("Fixtures").appendingPathComponent(name)
  return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}
