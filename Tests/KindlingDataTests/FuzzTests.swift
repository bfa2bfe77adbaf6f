import Foundation
import KindlingTensor
import Testing

@testable import KindlingData

/// SplitMix64: a tiny seeded generator, so every fuzz run mutates the same way.
private struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A damaged copy of `bytes`: flipped bytes, a cut, inserted junk, or a 32-bit field set to an
/// extreme, chosen by `rng`.
private func mutate(_ bytes: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
  var out = bytes
  switch Int.random(in: 0..<5, using: &rng) {
  case 0:
    for _ in 0..<Int.random(in: 1...4, using: &rng) where !out.isEmpty {
      out[Int.random(in: 0..<out.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
    }
  case 1:
    out = Array(out.prefix(Int.random(in: 0..<max(out.count, 1), using: &rng)))
  case 2:
    let junk = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    out.insert(contentsOf: junk, at: Int.random(in: 0...out.count, using: &rng))
  case 3 where out.count >= 4:
    let at = Int.random(in: 0...(out.count - 4), using: &rng)
    let value: UInt32 = [0, 1, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF].randomElement(using: &rng)!
    for k in 0..<4 { out[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
  default:
    if !out.isEmpty { out.remove(at: Int.random(in: 0..<out.count, using: &rng)) }
  }
  return out
}

/// Mutates real files thousands of times: every parse must return or throw a ``DataSetError``
/// (typed throws guarantee the type; the test proves no crash, trap or out-of-bounds read).
@Suite("Fuzzing the readers with damaged files")
struct FuzzTests {
  /// Parses `count` mutations of `original`; returns how many were rejected.
  private func fuzz(_ original: [UInt8], count: Int, seed: UInt64, parse: ([UInt8]) throws(DataSetError) -> Void) -> Int {
    var rng = SplitMix(state: seed)
    var rejected = 0
    for _ in 0..<count {
      do { try parse(mutate(original, &rng)) } catch { rejected += 1 }
    }
    return rejected
  }

  @Test("damaged .npy files")
  func npy() {
    let originals = [
      NPY.encode(Tensor(scalars: (0..<60).map { Float($0) }, shape: [3, 4, 5])),
      NPY.encode(Tensor([[1, 2], [3, 4]]), fortranOrder: true),
      NPY.encode(Tensor([true, false])),
    ]
    for (i, original) in originals.enumerated() {
      let rejected = fuzz(original, count: 1500, seed: UInt64(i)) { bytes throws(DataSetError) in
        _ = try NPY.parse(bytes, source: "fuzz.npy")
      }
      #expect(rejected > 300, "only \(rejected) of 1500 damaged files were rejected")
    }
  }

  @Test("damaged .npz archives, stored and deflated")
  func npz() {
    for (i, archive) in FileFormatTests.fixture.archives.enumerated() {
      let rejected = fuzz(archive.bytes, count: 1500, seed: 100 + UInt64(i)) { bytes throws(DataSetError) in
        _ = try NPZ.parse(bytes, source: "fuzz.npz")
      }
      #expect(rejected > 500, "only \(rejected) of 1500 damaged archives were rejected")
    }
  }

  @Test("damaged IDX files, plain and gzip")
  func idxFiles() {
    let plain = idxUInt8(shape: [4, 28, 28], values: syntheticPixels(count: 4))
    for (i, original) in [plain, gzip(plain)].enumerated() {
      let rejected = fuzz(original, count: 1500, seed: 200 + UInt64(i)) { bytes throws(DataSetError) in
        _ = try IDX.parse(bytes, source: "fuzz-idx", maxDecompressedBytes: 1 << 20)
      }
      #expect(rejected > 300, "only \(rejected) of 1500 damaged files were rejected")
    }
  }

  @Test("damaged CSV files")
  func csv() {
    let text = "x,y,label\n" + (0..<30).map { "\($0).5,\($0 * 3),\($0 % 3)" }.joined(separator: "\n") + "\n"
    let original = Array(text.utf8)
    let rejected = fuzz(original, count: 1500, seed: 300) { bytes throws(DataSetError) in
      _ = try CSV.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.csv", labelColumn: "label")
    }
    #expect(rejected > 200, "only \(rejected) of 1500 damaged files were rejected")
  }
}
