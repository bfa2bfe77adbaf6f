import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

@Suite("safetensors validation")
struct SafeTensorsValidationTests {
  private let m = SafeTensors.memoryPath

  private func expectError(_ bytes: [UInt8], _ expected: SafeTensorsError, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: expected, sourceLocation: sourceLocation) { try SafeTensors.deserialize(bytes) }
  }

  private func entry(_ name: String, _ dtype: String, _ shape: String, _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
  }

  @Test("the header length is checked: too small a file, too large a header, a header past the end")
  func headerLength() {
    expectError([8, 0, 0, 0, 0, 0, 0], .headerTooSmall(path: m, size: 7))
    expectError([], .headerTooSmall(path: m, size: 0))
    expectError(safetensorsBytes(header: "{}", length: 100_000_001), .headerTooLarge(path: m, length: 100_000_001))
    expectError(safetensorsBytes(header: "{}", length: UInt64.max), .headerTooLarge(path: m, length: UInt64.max))
    expectError(safetensorsBytes(header: "{}", length: 9), .headerBeyondFile(path: m, length: 9, fileSize: 16))
  }

  @Test("the header must be UTF-8 JSON holding one object")
  func headerJSON() throws {
    expectError([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0x7d, 32, 32, 32, 32, 32], .headerNotUTF8(path: m))
    for header in ["[1]", "{", "{\"a\":}", "{} x", "", "{\"a\":1,}", "\"text\"", String(repeating: "[", count: 500)] {
      do {
        _ = try SafeTensors.deserialize(safetensorsBytes(header: header))
        Issue.record("accepted header \(header)")
      } catch {
        guard case .invalidHeaderJSON(m, _) = error else {
          Issue.record("header \(header): \(error)")
          continue
        }
      }
    }
  }

  @Test("each tensor entry needs a known dtype, a shape of non-negative integers and two offsets")
  func entries() {
    expectError(safetensorsBytes(header: "{\(entry("a", "U16", "[1]", 0, 2))}", data: [0, 0]),
      .unknownDType(path: m, name: "a", dtype: "U16"))
    expectError(safetensorsBytes(header: "{\(entry("a", "F8_E4M3", "[1]", 0, 1))}", data: [0]),
      .unknownDType(path: m, name: "a", dtype: "F8_E4M3"))
    for (shape, offsets) in [("[-1]", "[0,0]"), ("[2.0]", "[0,8]"), ("[\"2\"]", "[0,8]"), ("3", "[0,4]"), ("[1]", "[0]"),
                             ("[1]", "[0,4,8]"), ("[1]", "[-4,0]"), ("[99999999999999999999]", "[0,4]")] {
      let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":\(offsets)}}"
      do {
        _ = try SafeTensors.deserialize(safetensorsBytes(header: header, data: [0, 0, 0, 0]))
        Issue.record("accepted \(header)")
      } catch {
        guard case .invalidTensorEntry(m, "a", _) = error else {
          Issue.record("\(header): \(error)")
          continue
        }
      }
    }
    expectError(safetensorsBytes(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: [0, 0, 0, 0]),
      .invalidTensorEntry(path: m, name: "a", reason: "missing field 'data_offsets'"))
    expectError(safetensorsBytes(header: "{\"a\":[1]}"),
      .invalidTensorEntry(path: m, name: "a", reason: "the entry is not an object"))
  }

  @Test("sizes that overflow and offsets that disagree with shape × dtype are rejected")
  func sizes() {
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[4294967296,4294967296]", 0, 0))}"),
      .sizeOverflow(path: m, name: "a"))
    expectError(safetensorsBytes(header: "{\(entry("a", "F64", "[2305843009213693952]", 0, 0))}"),
      .sizeOverflow(path: m, name: "a"))
    // Zero elements, but contiguous strides that would overflow.
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[0,4294967296,4294967296]", 0, 0))}"),
      .sizeOverflow(path: m, name: "a"))
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[2]", 0, 4))}", data: [0, 0, 0, 0]),
      .sizeMismatch(path: m, name: "a", expectedBytes: 8, actualBytes: 4))
  }

  @Test("offsets must tile the data buffer: no gap, no overlap, nothing outside or left over")
  func offsets() throws {
    let four = [UInt8](repeating: 0, count: 4)
    let eight = [UInt8](repeating: 0, count: 8)
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[1]", 4, 8))}", data: eight),
      .invalidOffsets(path: m, name: "a", begin: 4, end: 8, expectedBegin: 0))
    expectError(
      safetensorsBytes(header: "{\(entry("a", "F32", "[1]", 0, 4)),\(entry("b", "F32", "[1]", 2, 6))}", data: eight),
      .invalidOffsets(path: m, name: "b", begin: 2, end: 6, expectedBegin: 4))
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[1]", 4, 0))}", data: four),
      .invalidOffsets(path: m, name: "a", begin: 4, end: 0, expectedBegin: 0))
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[2]", 0, 8))}", data: four),
      .incompleteBuffer(path: m, coveredBytes: 8, bufferBytes: 4))
    expectError(safetensorsBytes(header: "{\(entry("a", "F32", "[1]", 0, 4))}", data: eight),
      .incompleteBuffer(path: m, coveredBytes: 4, bufferBytes: 8))
    // Entries may come in any order in the header; they are placed by their offsets.
    let shuffled = safetensorsBytes(
      header: "{\(entry("b", "I32", "[1]", 4, 8)),\(entry("a", "I32", "[1]", 0, 4))}", data: [1, 0, 0, 0, 2, 0, 0, 0])
    #expect(try SafeTensors.deserialize(shuffled).tensors["b"]?.scalars(as: Int32.self) == [2])
  }

  @Test("duplicate names and metadata that is not string to string are rejected")
  func namesAndMetadata() {
    expectError(
      safetensorsBytes(header: "{\(entry("a", "U8", "[1]", 0, 1)),\(entry("a", "U8", "[1]", 1, 2))}", data: [1, 2]),
      .duplicateName(path: m, name: "a"))
    expectError(safetensorsBytes(header: "{\"__metadata__\":{\"epoch\":3}}"),
      .invalidMetadata(path: m, reason: "the value of 'epoch' is not a string"))
    expectError(safetensorsBytes(header: "{\"__metadata__\":[\"a\"]}"),
      .invalidMetadata(path: m, reason: "it is not an object"))
  }

  @Test("errors from files name the file, and a missing file is an io error")
  func namesTheFile() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("bad.safetensors").path
    try Data(safetensorsBytes(header: "{\(entry("w", "BF16", "[3]", 0, 6))}", data: [0, 0])).write(
      to: URL(fileURLWithPath: path))
    #expect(throws: SafeTensorsError.incompleteBuffer(path: path, coveredBytes: 6, bufferBytes: 2)) {
      try SafeTensors.load(from: path)
    }
    let error = SafeTensorsError.incompleteBuffer(path: path, coveredBytes: 6, bufferBytes: 2)
    #expect(error.path == path && error.description.contains("bad.safetensors"))
    let missing = directory.appendingPathComponent("missing.safetensors").path
    #expect(throws: SafeTensorsError.io(path: missing, operation: "open", errno: ENOENT)) {
      try SafeTensors.load(from: missing)
    }
    #expect(throws: SafeTensorsError.io(path: directory.path, operation: "read", errno: EISDIR)) {
      try SafeTensors.load(from: directory.path)
    }
  }

  @Test("bool bytes other than 0 and 1 read as true")
  func boolBytes() throws {
    let bytes = safetensorsBytes(header: "{\(entry("b", "BOOL", "[3]", 0, 3))}", data: [0, 7, 1])
    #expect(try SafeTensors.deserialize(bytes).tensors["b"]?.scalars(as: Int64.self) == [0, 1, 1])
  }
}
