import Foundation
import KindlingStorage
import Testing

@testable import KindlingData

@Suite("IDX reader: values, shapes and byte order")
struct IDXReaderTests {
  /// Parses `bytes` plain, or gzip-compressed when `compressed`.
  private func parse(_ bytes: [UInt8], compressed: Bool) throws -> IDXArray {
    try IDX.parse(compressed ? gzip(bytes) : bytes, source: "test.idx")
  }

  @Test("uint8 round-trips with its shape", arguments: [false, true])
  func uint8(compressed: Bool) throws {
    let array = try parse(idxUInt8(shape: [2, 3], values: [0, 1, 2, 253, 254, 255]), compressed: compressed)
    #expect(array.dtype == .uint8)
    #expect(array.shape == [2, 3])
    #expect(array.count == 6)
    #expect(array.scalars(as: UInt8.self) == [0, 1, 2, 253, 254, 255])
  }

  @Test("int8 keeps negative values", arguments: [false, true])
  func int8(compressed: Bool) throws {
    let values: [Int8] = [-128, -1, 0, 127]
    let array = try parse(idx(code: 0x09, shape: [4], values: values), compressed: compressed)
    #expect(array.dtype == .int8 && array.shape == [4])
    #expect(array.scalars(as: Int8.self) == values)
  }

  @Test("int16 is read big-endian", arguments: [false, true])
  func int16(compressed: Bool) throws {
    let values: [Int16] = [0x0102, -300, .min, .max, 1, -1]
    let array = try parse(idx(code: 0x0B, shape: [3, 2], values: values), compressed: compressed)
    #expect(array.dtype == .int16 && array.shape == [3, 2])
    #expect(array.scalars(as: Int16.self) == values)
    // The storage holds host order: 0x0102 is 02 01 on a little-endian machine.
    #expect(array.storage.pointer(as: Int16.self)[0] == 0x0102)
  }

  @Test("int32 is read big-endian", arguments: [false, true])
  func int32(compressed: Bool) throws {
    let values: [Int32] = [0x0102_0304, .min, .max, -2, 60_000]
    let array = try parse(idx(code: 0x0C, shape: [5, 1, 1], values: values), compressed: compressed)
    #expect(array.dtype == .int32 && array.shape == [5, 1, 1])
    #expect(array.scalars(as: Int32.self) == values)
  }

  @Test("float32 is read big-endian", arguments: [false, true])
  func float32(compressed: Bool) throws {
    let values: [Float] = [1.5, -2.25, .pi, .infinity, -0.0, .leastNonzeroMagnitude]
    let array = try parse(idx(code: 0x0D, shape: [2, 3], values: values.map(\.bitPattern)), compressed: compressed)
    #expect(array.dtype == .float32 && array.shape == [2, 3])
    #expect(array.scalars(as: Float.self).map(\.bitPattern) == values.map(\.bitPattern))
    #expect(array.scalars(as: UInt32.self) == values.map(\.bitPattern))  // same width: bits allowed
  }

  @Test("float64 is read big-endian", arguments: [false, true])
  func float64(compressed: Bool) throws {
    let values: [Double] = [1e-300, -123.456, .greatestFiniteMagnitude]
    let array = try parse(idx(code: 0x0E, shape: [1, 3], values: values.map(\.bitPattern)), compressed: compressed)
    #expect(array.dtype == .float64 && array.shape == [1, 3])
    #expect(array.scalars(as: Double.self) == values)
  }

  @Test("empty arrays (a zero dimension) parse to no elements")
  func empty() throws {
    let array = try IDX.parse(idx(code: 0x0D, shape: [0, 28], payload: []), source: "empty")
    #expect(array.shape == [0, 28] && array.count == 0)
    #expect(array.scalars(as: Float.self).isEmpty)
  }

  @Test("eight dimensions are allowed")
  func maximumRank() throws {
    let array = try IDX.parse(idxUInt8(shape: [1, 1, 1, 1, 1, 1, 1, 2], values: [4, 5]), source: "rank8")
    #expect(array.shape == [1, 1, 1, 1, 1, 1, 1, 2])
    #expect(array.scalars(as: UInt8.self) == [4, 5])
  }

  @Test("files are read plain or gzip-compressed, told apart by content, not name")
  func readFiles() throws {
    let bytes = idx(code: 0x0B, shape: [2], values: [Int16(-7), 513])
    try withTemporaryDirectory { directory in
      let names = [
        ("plain-idx", bytes), ("compressed.gz", gzip(bytes)),
        ("compressed-without-suffix", gzip(bytes)), ("plain-with-suffix.gz", bytes),
      ]
      for (name, contents) in names {
        let array = try IDX.read(contentsOf: directory.write(contents, to: name))
        #expect(array.dtype == .int16 && array.shape == [2], "\(name)")
        #expect(array.scalars(as: Int16.self) == [-7, 513], "\(name)")
      }
    }
  }

  @Test("concatenated gzip members read as one file, and zero padding after them is ignored")
  func concatenatedMembers() throws {
    let bytes = idxUInt8(shape: [10], values: Array(0..<10))
    let twoMembers = gzip(Array(bytes[..<7])) + gzip(Array(bytes[7...]))
    #expect(try IDX.parse(twoMembers, source: "two").scalars(as: UInt8.self) == Array(0..<10))
    let padded = gzip(bytes) + [0, 0, 0, 0]
    #expect(try IDX.parse(padded, source: "padded").scalars(as: UInt8.self) == Array(0..<10))
  }

  @Test("a large file is copied correctly, past the output buffer's first guess")
  func large() throws {
    let count = 300_000
    let values = (0..<count).map { Int32(truncatingIfNeeded: $0 &* 2_654_435_761) }
    let bytes = idx(code: 0x0C, shape: [UInt32(count)], values: values)
    #expect(try IDX.parse(gzip(bytes), source: "large").scalars(as: Int32.self) == values)
    // The last member's trailer sizes the first buffer; here it says 5 bytes, so it must grow.
    let split = bytes.count - 5
    let members = gzip(Array(bytes[..<split])) + gzip(Array(bytes[split...]))
    #expect(try IDX.parse(members, source: "members").scalars(as: Int32.self) == values)
    // A trailer whose length disagrees with the data is corrupt.
    var lying = gzip(bytes)
    lying.replaceSubrange((lying.count - 4)..., with: [16, 0, 0, 0])
    #expect(throws: DataSetError.self) { try IDX.parse(lying, source: "lying") }
  }

  @Test("the decompression cap allows exactly its size")
  func capBoundary() throws {
    let bytes = idxUInt8(shape: [100], values: [UInt8](repeating: 3, count: 100))
    let array = try IDX.parse(gzip(bytes), source: "exact", maxDecompressedBytes: bytes.count)
    #expect(array.count == 100)
  }

  @Test("an IDXArray describes itself by dtype and shape")
  func description() throws {
    let array = try IDX.parse(idxUInt8(shape: [1, 2], values: [1, 2]), source: "d")
    #expect("\(array)" == "IDXArray(uint8, shape: [1, 2])")
  }

  @Test("IDX type codes map to dtypes and back")
  func typeCodes() {
    for code in UInt8.min...UInt8.max {
      if let dtype = IDX.dtype(forCode: code) { #expect(IDX.code(for: dtype) == code) }
    }
    #expect(IDX.dtype(forCode: 0x0D) == .float32)
    #expect(IDX.code(for: .int64) == nil)
  }
}
