import KindlingStorage

extension DType {
  /// The dtype's name in a safetensors header (`F32`, `BF16`, `I64`, `BOOL`, ...).
  var safetensorsName: String {
    switch self {
    case .bool: "BOOL"
    case .uint8: "U8"
    case .int8: "I8"
    case .int16: "I16"
    case .int32: "I32"
    case .int64: "I64"
    case .float16: "F16"
    case .bfloat16: "BF16"
    case .float32: "F32"
    case .float64: "F64"
    }
  }

  /// The dtype a safetensors header names, if Kindling has it.
  init?(safetensorsName name: String) {
    guard let match = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
    self = match
  }

  /// The position of the dtype in the Rust library's `Dtype` enum, whose derived order decides
  /// the order of tensors in a file (descending, then by name): I64, F64, F32, I32, BF16, F16,
  /// I16, I8, U8, BOOL.
  var safetensorsOrder: Int {
    switch self {
    case .bool: 0
    case .uint8: 1
    case .int8: 2
    case .int16: 3
    case .float16: 4
    case .bfloat16: 5
    case .int32: 6
    case .float32: 7
    case .float64: 8
    case .int64: 9
    }
  }
}

/// The parsed and validated header of a safetensors file: its tensors, in data order, and its
/// `__metadata__`.
struct SafeTensorsHeader {
  struct Entry {
    var name: String
    var dtype: DType
    var shape: [Int]
    /// Byte range inside the data buffer (which starts after the header).
    var begin: Int
    var end: Int
  }

  /// Tensors sorted by their offsets, so they tile the data buffer from 0.
  var entries: [Entry]
  var metadata: [String: String]?
  /// The `N` of the file: the byte count of the JSON header including its padding.
  var length: Int

  /// Where the data buffer starts in the file.
  var dataStart: Int { 8 + length }

  /// Reads the header length from the first 8 bytes and checks it against the file size.
  static func length(prefix: some Collection<UInt8>, fileSize: Int, path: String) throws(SafeTensorsError) -> Int {
    guard fileSize >= 8, prefix.count >= 8 else { throw .headerTooSmall(path: path, size: fileSize) }
    let length = prefix.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard length <= UInt64(SafeTensors.maximumHeaderSize) else {
      throw .headerTooLarge(path: path, length: length)
    }
    guard Int(length) <= fileSize - 8 else {
      throw .headerBeyondFile(path: path, length: length, fileSize: fileSize)
    }
    return Int(length)
  }

  /// Parses the JSON header (the `length` bytes after the prefix) and validates it against the
  /// file size with the Rust library's rules.
  static func parse(_ json: ArraySlice<UInt8>, fileSize: Int, path: String) throws(SafeTensorsError) -> Self {
    guard String(validating: json, as: UTF8.self) != nil else { throw .headerNotUTF8(path: path) }
    let root: HeaderJSON
    do {
      root = try HeaderJSON.parse(json)
    } catch {
      if let name = error.duplicateTopLevelKey { throw .duplicateName(path: path, name: name) }
      throw .invalidHeaderJSON(path: path, reason: error.message)
    }
    guard case .object(let members) = root else {
      throw .invalidHeaderJSON(path: path, reason: "the outermost value is not an object")
    }
    var header = SafeTensorsHeader(entries: [], metadata: nil, length: json.count)
    for (key, value) in members {
      if key == "__metadata__" {
        header.metadata = try metadata(value, path: path)
      } else {
        header.entries.append(try entry(key, value, path: path))
      }
    }
    header.entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    try header.validate(fileSize: fileSize, path: path)
    return header
  }

  private static func metadata(_ value: HeaderJSON, path: String) throws(SafeTensorsError) -> [String: String]? {
    if value == .null { return nil }
    guard case .object(let members) = value else {
      throw .invalidMetadata(path: path, reason: "it is not an object")
    }
    var result: [String: String] = [:]
    for (key, value) in members {
      guard case .string(let text) = value else {
        throw .invalidMetadata(path: path, reason: "the value of '\(key)' is not a string")
      }
      result[key] = text
    }
    return result
  }

  private static func entry(_ name: String, _ value: HeaderJSON, path: String) throws(SafeTensorsError) -> Entry {
    func invalid(_ reason: String) -> SafeTensorsError { .invalidTensorEntry(path: path, name: name, reason: reason) }
    guard case .object(let fields) = value else { throw invalid("the entry is not an object") }
    func field(_ key: String) throws(SafeTensorsError) -> HeaderJSON {
      guard let found = fields.first(where: { $0.key == key }) else { throw invalid("missing field '\(key)'") }
      return found.value
    }
    guard case .string(let dtypeName) = try field("dtype") else { throw invalid("dtype is not a string") }
    guard let dtype = DType(safetensorsName: dtypeName) else {
      throw .unknownDType(path: path, name: name, dtype: dtypeName)
    }
    guard case .array(let sizes) = try field("shape") else { throw invalid("shape is not an array") }
    var shape: [Int] = []
    for size in sizes {
      guard let size = size.nonNegativeInt else {
        throw invalid("shape \(sizes.map(\.text)) holds a size that is not a non-negative integer")
      }
      shape.append(size)
    }
    guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
      let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt
    else { throw invalid("data_offsets is not a pair of non-negative integers") }
    return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
  }

  /// `Metadata::validate`: the entries tile the data buffer from 0 with no gap or overlap, each
  /// spans shape × dtype size bytes, and together they end exactly at the end of the file.
  private func validate(fileSize: Int, path: String) throws(SafeTensorsError) {
    var start = 0
    for entry in entries {
      guard entry.begin == start, entry.end >= entry.begin else {
        throw .invalidOffsets(path: path, name: entry.name, begin: entry.begin, end: entry.end, expectedBegin: start)
      }
      start = entry.end
      // Kindling also needs the contiguous strides (products of max(size, 1)) to fit in Int.
      var elements = 1
      var strideProduct = 1
      for size in entry.shape {
        let (count, countOverflow) = elements.multipliedReportingOverflow(by: size)
        let (stride, strideOverflow) = strideProduct.multipliedReportingOverflow(by: Swift.max(size, 1))
        guard !countOverflow, !strideOverflow else { throw .sizeOverflow(path: path, name: entry.name) }
        elements = count
        strideProduct = stride
      }
      let (bytes, overflow) = elements.multipliedReportingOverflow(by: entry.dtype.itemSize)
      guard !overflow else { throw .sizeOverflow(path: path, name: entry.name) }
      guard bytes == entry.end - entry.begin else {
        throw .sizeMismatch(path: path, name: entry.name, expectedBytes: bytes, actualBytes: entry.end - entry.begin)
      }
    }
    let bufferBytes = fileSize - dataStart
    guard start == bufferBytes else {
      throw .incompleteBuffer(path: path, coveredBytes: start, bufferBytes: bufferBytes)
    }
  }

  /// The first `8 + N` bytes of a file holding `tensors` (name, dtype, shape, byte count, in
  /// the order given), exactly as the Rust library's `prepare` writes them: compact JSON with
  /// `__metadata__` first, the header padded with spaces to a multiple of 8.
  static func encode(
    _ tensors: [(name: String, dtype: DType, shape: [Int], byteCount: Int)], metadata: [String: String]?
  ) -> [UInt8] {
    var json: [UInt8] = [UInt8(ascii: "{")]
    var first = true
    func separate() {
      if !first { json.append(UInt8(ascii: ",")) }
      first = false
    }
    if let metadata {
      separate()
      HeaderJSON.appendString("__metadata__", to: &json)
      json += Array(":{".utf8)
      // The Rust library writes a HashMap in random order; sorted keys keep our files stable.
      for (index, key) in metadata.keys.sorted(by: utf8Precedes).enumerated() {
        if index > 0 { json.append(UInt8(ascii: ",")) }
        HeaderJSON.appendString(key, to: &json)
        json.append(UInt8(ascii: ":"))
        HeaderJSON.appendString(metadata[key]!, to: &json)
      }
      json.append(UInt8(ascii: "}"))
    }
    var offset = 0
    for tensor in tensors {
      separate()
      HeaderJSON.appendString(tensor.name, to: &json)
      json += Array(":{\"dtype\":".utf8)
      HeaderJSON.appendString(tensor.dtype.safetensorsName, to: &json)
      json += Array(",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))]".utf8)
      json += Array(",\"data_offsets\":[\(offset),\(offset + tensor.byteCount)]}".utf8)
      offset += tensor.byteCount
    }
    json.append(UInt8(ascii: "}"))
    json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
    var length = UInt64(json.count)
    var prefix: [UInt8] = []
    for _ in 0..<8 {
      prefix.append(UInt8(truncatingIfNeeded: length))
      length >>= 8
    }
    return prefix + json
  }
}

/// Byte-wise order of UTF-8 text, as Rust compares `String`s.
func utf8Precedes(_ a: String, _ b: String) -> Bool {
  a.utf8.lexicographicallyPrecedes(b.utf8)
}

extension HeaderJSON {
  /// A short rendering for error messages.
  var text: String {
    switch self {
    case .object: "{...}"
    case .array: "[...]"
    case .string(let value): "\"\(value)\""
    case .number(let value): value
    case .bool(let value): "\(value)"
    case .null: "null"
    }
  }
}
