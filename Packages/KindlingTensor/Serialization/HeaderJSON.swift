/// The small, strict JSON reader and writer behind safetensors headers.
///
/// Reading keeps every object's keys in file order and reports duplicate keys, keeps numbers as
/// their source text (so `[0, 24]` stays exact and `2.0` can be told from `2`), and limits nesting
/// so a hostile header cannot exhaust the stack. Writing produces `serde_json`'s compact form,
/// which is what the Rust `safetensors` library (and so `safetensors.torch`) writes.
enum HeaderJSON: Equatable {
  case object([(key: String, value: HeaderJSON)])
  case array([HeaderJSON])
  case string(String)
  /// A number as written in the file.
  case number(String)
  case bool(Bool)
  case null

  static func == (lhs: HeaderJSON, rhs: HeaderJSON) -> Bool {
    switch (lhs, rhs) {
    case let (.object(a), .object(b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
    case let (.array(a), .array(b)): a == b
    case let (.string(a), .string(b)): a == b
    case let (.number(a), .number(b)): a == b
    case let (.bool(a), .bool(b)): a == b
    case (.null, .null): true
    default: false
    }
  }

  /// The value as a non-negative integer, if it is written as one and fits in `Int`.
  var nonNegativeInt: Int? {
    guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
      return nil
    }
    return Int(text)
  }

  /// Nesting deeper than this is rejected (serde_json stops at 128).
  static let maximumDepth = 128

  /// Parses `bytes` (already known to be UTF-8) as one JSON value with optional surrounding
  /// whitespace; a thrown string says what is wrong and where.
  static func parse(_ bytes: ArraySlice<UInt8>) throws(HeaderJSONError) -> HeaderJSON {
    var reader = Reader(bytes: bytes)
    reader.skipWhitespace()
    let value = try reader.value(depth: 0)
    reader.skipWhitespace()
    guard reader.index == bytes.endIndex else { throw reader.error("trailing characters") }
    return value
  }

  /// Appends `text` as a JSON string the way serde_json escapes it: `"` and `\` escaped,
  /// `\b \f \n \r \t` for those controls, `\u00xx` (lowercase hex) for the other controls,
  /// everything else (including `/` and non-ASCII) as raw UTF-8.
  static func appendString(_ text: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += [0x5c, 0x22]
      case UInt8(ascii: "\\"): out += [0x5c, 0x5c]
      case 0x08: out += [0x5c, UInt8(ascii: "b")]
      case 0x0c: out += [0x5c, UInt8(ascii: "f")]
      case 0x0a: out += [0x5c, UInt8(ascii: "n")]
      case 0x0d: out += [0x5c, UInt8(ascii: "r")]
      case 0x09: out += [0x5c, UInt8(ascii: "t")]
      case ..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  private struct Reader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
      self.bytes = bytes
      index = bytes.startIndex
    }

    func error(_ what: String) -> HeaderJSONError {
      HeaderJSONError(message: "\(what) at byte \(index - bytes.startIndex)")
    }

    var current: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

    mutating func skipWhitespace() {
      while let byte = current, byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ literal: String) throws(HeaderJSONError) {
      for byte in literal.utf8 {
        guard current == byte else { throw error("invalid literal") }
        index += 1
      }
    }

    mutating func value(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
      guard depth < HeaderJSON.maximumDepth else { throw error("nesting too deep") }
      switch current {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): try expect("true"); return .bool(true)
      case UInt8(ascii: "f"): try expect("false"); return .bool(false)
      case UInt8(ascii: "n"): try expect("null"); return .null
      case let byte? where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39): return try number()
      case nil: throw error("unexpected end of input")
      default: throw error("unexpected character")
      }
    }

    mutating func object(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
      index += 1
      var members: [(key: String, value: HeaderJSON)] = []
      var seen = Set<String>()
      skipWhitespace()
      if current == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw error("expected a key") }
        let key = try string()
        guard seen.insert(key).inserted else {
          throw HeaderJSONError(message: "duplicate key '\(key)'", duplicateTopLevelKey: depth == 0 ? key : nil)
        }
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        skipWhitespace()
        members.append((key, try value(depth: depth + 1)))
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","): index += 1
        case UInt8(ascii: "}"): index += 1; return .object(members)
        default: throw error("expected ',' or '}'")
        }
      }
    }

    mutating func array(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
      index += 1
      var elements: [HeaderJSON] = []
      skipWhitespace()
      if current == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipWhitespace()
        elements.append(try value(depth: depth + 1))
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","): index += 1
        case UInt8(ascii: "]"): index += 1; return .array(elements)
        default: throw error("expected ',' or ']'")
        }
      }
    }

    mutating func number() throws(HeaderJSONError) -> HeaderJSON {
      let start = index
      func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
      if current == UInt8(ascii: "-") { index += 1 }
      guard isDigit(current) else { throw error("invalid number") }
      if current == UInt8(ascii: "0") {
        index += 1
      } else {
        while isDigit(current) { index += 1 }
      }
      if current == UInt8(ascii: ".") {
        index += 1
        guard isDigit(current) else { throw error("invalid number") }
        while isDigit(current) { index += 1 }
      }
      if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
        index += 1
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
        guard isDigit(current) else { throw error("invalid number") }
        while isDigit(current) { index += 1 }
      }
      return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func hexQuad() throws(HeaderJSONError) -> UInt32 {
      var value: UInt32 = 0
      for _ in 0..<4 {
        guard let byte = current else { throw error("unexpected end of input") }
        let digit: UInt8
        switch byte {
        case 0x30...0x39: digit = byte - 0x30
        case 0x41...0x46: digit = byte - 0x41 + 10
        case 0x61...0x66: digit = byte - 0x61 + 10
        default: throw error("invalid \\u escape")
        }
        value = value << 4 | UInt32(digit)
        index += 1
      }
      return value
    }

    mutating func string() throws(HeaderJSONError) -> String {
      index += 1
      var out: [UInt8] = []
      while true {
        guard let byte = current else { throw error("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""):
          return String(decoding: out, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard let escaped = current else { throw error("unterminated string") }
          index += 1
          switch escaped {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0c)
          case UInt8(ascii: "n"): out.append(0x0a)
          case UInt8(ascii: "r"): out.append(0x0d)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xd800..<0xdc00).contains(scalar) {
              guard current == UInt8(ascii: "\\") else { throw error("lone surrogate") }
              index += 1
              guard current == UInt8(ascii: "u") else { throw error("lone surrogate") }
              index += 1
              let low = try hexQuad()
              guard (0xdc00..<0xe000).contains(low) else { throw error("lone surrogate") }
              scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("lone surrogate") }
            out += Array(String(Character(unicode)).utf8)
          default: throw error("invalid escape")
          }
        case ..<0x20:
          throw error("control character in string")
        default:
          out.append(byte)
        }
      }
    }
  }
}

/// Why a header is not valid JSON.
struct HeaderJSONError: Error {
  var message: String
  /// Set when the problem is a key repeated in the outermost object (a repeated tensor name).
  var duplicateTopLevelKey: String?
}
