import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// Kindling's own Mersenne Twister as a seeded Swift generator, so every run mutates the same way.
private struct SeededEngine: RandomNumberGenerator {
  var engine: MT19937
  init(state: UInt64) { engine = MT19937(seed: state) }
  mutating func next() -> UInt64 { UInt64(engine.next()) << 32 | UInt64(engine.next()) }
}

@Suite("safetensors fuzzing")
struct SafeTensorsFuzzTests {
  /// Characters that change a JSON header's meaning when swapped in.
  private static let headerCharacters = Array("{}[],:\"0123456789-.eE \\aFIUB".utf8)

  private func mutate(_ original: [UInt8], _ rng: inout SeededEngine) -> [UInt8] {
    var bytes = original
    let headerEnd = min(bytes.count, 8 + Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      switch Int.random(in: 0..<7, using: &rng) {
      case 0 where !bytes.isEmpty:  // flip one bit anywhere
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
      case 1:  // truncate
        bytes.removeLast(Int.random(in: 0...min(bytes.count, 16), using: &rng))
      case 2:  // insert random bytes
        let i = Int.random(in: 0...bytes.count, using: &rng)
        bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: i)
      case 3 where headerEnd > 8 && bytes.count >= headerEnd:  // swap a header character for a JSON-significant one
        let i = Int.random(in: 8..<headerEnd, using: &rng)
        bytes[i] = Self.headerCharacters.randomElement(using: &rng)!
      case 4 where headerEnd > 8 && bytes.count >= headerEnd:  // nudge a digit in the header
        let digits = (8..<headerEnd).filter { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
        if let i = digits.randomElement(using: &rng) { bytes[i] = UInt8.random(in: 0x30...0x39, using: &rng) }
      case 5 where bytes.count >= 8:  // change the header length a little
        let delta = Int64.random(in: -9...9, using: &rng)
        let n = UInt64(bitPattern: Int64(bitPattern: bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) &+ delta)
        for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(k))) }
      default:  // remove a byte from the header or the data
        if !bytes.isEmpty { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng)) }
      }
    }
    return bytes
  }

  /// A successful load must give exactly the tensors the header describes, holding the bytes
  /// the header points at.
  private func checkConsistent(_ contents: SafeTensors.Contents, _ bytes: [UInt8]) throws {
    let length = try SafeTensorsHeader.length(prefix: bytes, fileSize: bytes.count, path: "")
    let header = try SafeTensorsHeader.parse(bytes[8..<(8 + length)], fileSize: bytes.count, path: "")
    #expect(contents.tensors.keys == header.entries.map(\.name))
    for entry in header.entries {
      let tensor = try #require(contents.tensors[entry.name])
      #expect(tensor.shape == entry.shape && tensor.dtype == entry.dtype)
      let stored = Array(bytes[(header.dataStart + entry.begin)..<(header.dataStart + entry.end)])
      let loaded = Array(
        UnsafeRawBufferPointer(start: tensor.storage.pointer(as: UInt8.self), count: tensor.count * tensor.dtype.itemSize))
      #expect(entry.dtype == .bool ? stored.map { $0 == 0 ? 0 : 1 } == loaded : stored == loaded, "\(entry.name)")
    }
  }

  @Test("thousands of mutated files either load consistently with their header or throw SafeTensorsError")
  func mutations() throws {
    var seeds = try ["checkpoint_all_dtypes.safetensors", "checkpoint_metadata.safetensors",
                     "checkpoint_empty.safetensors", "checkpoint_kindling.safetensors"].map {
      [UInt8](try Data(contentsOf: fixtureURL($0)))
    }
    seeds.append(try SafeTensors.serialize(["b": Tensor([true, false]), "x": Tensor([1.0, 2.0])]))
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("fuzz.safetensors").path
    var rng = SeededEngine(state: 0x5afe_7e45)
    var loaded = 0, rejected = 0
    var kinds = Set<String>()
    for iteration in 0..<4000 {
      let bytes = mutate(seeds[iteration % seeds.count], &rng)
      let fromMemory: Result<SafeTensors.Contents, SafeTensorsError> = Result { () throws(SafeTensorsError) in
        try SafeTensors.deserialize(bytes)
      }
      switch fromMemory {
      case .success(let contents):
        loaded += 1
        try checkConsistent(contents, bytes)
      case .failure(let error):
        rejected += 1
        kinds.insert(String("\(error)".prefix { $0 != "(" }))
      }
      // Every 25th mutation also goes through a real file: the same outcome, the file's path.
      if iteration % 25 == 0 {
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "could not write \(path)")
        switch (fromMemory, Result { () throws(SafeTensorsError) in try SafeTensors.load(from: path) }) {
        case (.success(let a), .success(let b)):
          #expect(a.tensors.keys == b.tensors.keys && a.metadata == b.metadata)
        case (.failure(let a), .failure(let b)):
          #expect(b.path == path && a.description.replacingOccurrences(of: SafeTensors.memoryPath, with: path) == b.description)
        default:
          Issue.record("memory and file loads disagree at iteration \(iteration)")
        }
      }
    }
    // Both outcomes happen, and the rejections exercise many different checks.
    #expect(loaded > 100 && rejected > 2000, "loaded \(loaded), rejected \(rejected)")
    #expect(kinds.count >= 8, "\(kinds.sorted())")
  }
}
