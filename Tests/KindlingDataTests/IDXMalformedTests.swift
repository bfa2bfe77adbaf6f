import Foundation
import KindlingStorage
import Testing

@testable import KindlingData

@Suite("IDX reader: malformed input throws typed errors")
struct IDXMalformedTests {
  /// The error parsing `bytes` throws, or `nil` if it parses.
  private func error(_ bytes: [UInt8], source: String = "bad.idx", limit: Int = IDX.defaultMaxDecompressedBytes)
    -> DataSetError?
  {
    do {
      _ = try IDX.parse(bytes, source: source, maxDecompressedBytes: limit)
      return nil
    } catch {
      return error
    }
  }

  @Test("a header cut short")
  func truncatedHeader() {
    #expect(error([]) == .truncatedHeader(path: "bad.idx", byteCount: 0, requiredBytes: 4))
    #expect(error([0, 0, 8]) == .truncatedHeader(path: "bad.idx", byteCount: 3, requiredBytes: 4))
    #expect(error([0, 0, 8, 3, 0, 0, 0, 1]) == .truncatedHeader(path: "bad.idx", byteCount: 8, requiredBytes: 16))
  }

  @Test("a magic number that is not IDX's")
  func badMagic() {
    #expect(error([0x50, 0x4B, 3, 4, 0, 0]) == .badMagic(path: "bad.idx", found: [0x50, 0x4B, 3, 4]))
    #expect(error([0, 1, 8, 1, 0, 0, 0, 0]) == .badMagic(path: "bad.idx", found: [0, 1, 8, 1]))
    #expect(error([0x7F]) == .badMagic(path: "bad.idx", found: [0x7F]))
    #expect(error([0x1f]) == .badMagic(path: "bad.idx", found: [0x1f]))  // half a gzip magic
  }

  @Test("an unknown type code", arguments: [0x00, 0x01, 0x07, 0x0A, 0x0F, 0xFF] as [UInt8])
  func unknownDType(code: UInt8) {
    #expect(error(idx(code: code, shape: [1], payload: [0])) == .unknownDTypeCode(path: "bad.idx", code: code))
  }

  @Test("zero or too many dimensions", arguments: [0, 9, 255])
  func badDimensionCount(rank: Int) {
    let bytes: [UInt8] = [0, 0, 8, UInt8(rank)] + [UInt8](repeating: 0, count: 4 * rank)
    #expect(error(bytes) == .badDimensionCount(path: "bad.idx", count: rank, maximum: 8))
  }

  @Test("a payload shorter than the shape needs")
  func payloadTooShort() {
    #expect(
      error(idxUInt8(shape: [2, 3], values: [1, 2, 3, 4, 5]))
        == .sizeMismatch(path: "bad.idx", dtype: .uint8, shape: [2, 3], expectedBytes: 6, actualBytes: 5))
    #expect(
      error(idx(code: 0x0D, shape: [2], payload: [1, 2, 3, 4, 5, 6, 7]))
        == .sizeMismatch(path: "bad.idx", dtype: .float32, shape: [2], expectedBytes: 8, actualBytes: 7))
  }

  @Test("a payload longer than the shape needs")
  func payloadTooLong() {
    #expect(
      error(idx(code: 0x0B, shape: [1], payload: [1, 2, 3]))
        == .sizeMismatch(path: "bad.idx", dtype: .int16, shape: [1], expectedBytes: 2, actualBytes: 3))
  }

  @Test("huge dimensions are compared with the payload, never allocated")
  func hugeButNotOverflowing() {
    // (2^32 - 1) × (2^31 - 1) bytes fit in an Int, but the file holds 4.
    #expect(
      error(idxUInt8(shape: [.max, 0x7FFF_FFFF], values: [1, 2, 3, 4]))
        == .sizeMismatch(
          path: "bad.idx", dtype: .uint8, shape: [0xFFFF_FFFF, 0x7FFF_FFFF],
          expectedBytes: 0xFFFF_FFFF * 0x7FFF_FFFF, actualBytes: 4))
  }

  @Test("dimensions whose product overflows")
  func overflow() {
    let max = Int(UInt32.max)
    #expect(
      error(idxUInt8(shape: [.max, .max, .max], values: [])) == .shapeOverflow(path: "bad.idx", shape: [max, max, max]))
    // 2^31 × 2^30 × 2 elements fit in an Int, their bytes as float64 (× 8) do not.
    #expect(
      error(idx(code: 0x0E, shape: [1 << 31, 1 << 30, 2], payload: []))
        == .shapeOverflow(path: "bad.idx", shape: [1 << 31, 1 << 30, 2]))
  }

  @Test("corrupt gzip data")
  func corruptGzip() {
    let compressed = gzip(idxUInt8(shape: [64], values: (0..<64).map { UInt8($0 * 3) }))
    var damaged = compressed
    for i in 10..<20 { damaged[i] ^= 0xA5 }
    #expect(isCorruptGzip(error(damaged)))
    var badChecksum = compressed
    badChecksum[badChecksum.count - 6] ^= 0xFF  // CRC-32 in the trailer
    guard case .corruptGzip(_, let message) = error(badChecksum) else {
      Issue.record("a wrong CRC was accepted")
      return
    }
    #expect(message.contains("incorrect data check"))
    var badHeader = compressed
    badHeader[2] = 7  // compression method other than deflate
    #expect(isCorruptGzip(error(badHeader)))
    #expect(isCorruptGzip(error(compressed + [1, 2, 3])))  // garbage after the stream
  }

  @Test("truncated gzip data, at every length")
  func truncatedGzip() {
    let compressed = gzip(idx(code: 0x0C, shape: [50], values: (0..<50).map { Int32($0 * 1000) }))
    for length in 2..<compressed.count {
      let result = error(Array(compressed[..<length]))
      #expect(isCorruptGzip(result), "cut at \(length) of \(compressed.count): \(String(describing: result))")
    }
  }

  @Test("decompressed output over the cap (a zip bomb)")
  func zipBomb() {
    let bomb = gzip([UInt8](repeating: 0, count: 8 << 20), level: 9)  // 8 MiB of zeros, ~8 KiB compressed
    #expect(bomb.count < 16 << 10)
    #expect(error(bomb, source: "bomb.gz", limit: 1 << 20) == .decompressedTooLarge(path: "bomb.gz", limit: 1 << 20))
    let bytes = idxUInt8(shape: [100], values: [UInt8](repeating: 3, count: 100))
    #expect(error(gzip(bytes), limit: bytes.count - 1) == .decompressedTooLarge(path: "bad.idx", limit: 107))
  }

  @Test("a device that never ends is cut off at the cap, and an empty one has no header")
  func devices() {
    #expect(throws: DataSetError.decompressedTooLarge(path: "/dev/zero", limit: 1 << 20)) {
      try IDX.read(contentsOf: "/dev/zero", maxDecompressedBytes: 1 << 20)
    }
    #expect(throws: DataSetError.truncatedHeader(path: "/dev/null", byteCount: 0, requiredBytes: 4)) {
      try IDX.read(contentsOf: "/dev/null")
    }
  }

  @Test("a missing file, and a directory")
  func unreadable() throws {
    let missing = "/nonexistent-\(UUID().uuidString)/train-images-idx3-ubyte"
    #expect(throws: DataSetError.fileUnreadable(path: missing, reason: "No such file or directory")) {
      try IDX.read(contentsOf: missing)
    }
    try withTemporaryDirectory { directory in
      #expect(throws: DataSetError.fileUnreadable(path: directory.path, reason: "it is a directory")) {
        try IDX.read(contentsOf: directory.path)
      }
    }
  }

  @Test("errors from files name the file and read as sentences")
  func messagesNameTheFile() throws {
    try withTemporaryDirectory { directory in
      let cases: [[UInt8]] = [
        [0, 0], [9, 9, 9, 9], idx(code: 0x0A, shape: [1], payload: [0]), [0, 0, 8, 0],
        idxUInt8(shape: [3], values: [1]), idxUInt8(shape: [.max, .max, .max], values: []), [0x1f, 0x8b, 8],
      ]
      for (index, bytes) in cases.enumerated() {
        let path = try directory.write(bytes, to: "case-\(index)")
        do throws(DataSetError) {
          _ = try IDX.read(contentsOf: path)
          Issue.record("case \(index) parsed")
        } catch {
          #expect(error.description.contains(path), "\(error)")
          #expect(error.description.hasSuffix("."), "\(error)")
        }
      }
    }
    let tooShort = DataSetError.sizeMismatch(path: "f", dtype: .uint8, shape: [2], expectedBytes: 2, actualBytes: 1)
    #expect(tooShort.description.contains("1 byte too few"))
  }

  @Test("random damage never crashes: it parses or throws a DataSetError")
  func fuzz() {
    var generator = SplitMix64(seed: 0x5EED)
    let originals = [
      idx(code: 0x0B, shape: [3, 4], values: (0..<12).map { Int16($0 * 300) }),
      gzip(idx(code: 0x0D, shape: [16], values: (0..<16).map { Float($0).bitPattern })),
    ]
    for _ in 0..<3000 {
      var bytes = originals[Int(generator.next() % 2)]
      for _ in 0..<(1 + generator.next() % 4) {
        switch generator.next() % 3 {
        case 0: bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
        case 1: bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
        default: bytes.append(UInt8(truncatingIfNeeded: generator.next()))
        }
        if bytes.isEmpty { bytes = [0] }
      }
      _ = error(bytes, limit: 4096)
    }
  }

  private func isCorruptGzip(_ error: DataSetError?) -> Bool {
    if case .corruptGzip = error { return true }
    return false
  }
}

/// A small deterministic random number generator for the fuzz test.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
