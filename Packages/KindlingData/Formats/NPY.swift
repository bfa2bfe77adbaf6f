import KindlingStorage
import KindlingTensor

/// NumPy's `.npy` format: a magic string, a version, a Python-dict header (`descr`,
/// `fortran_order`, `shape`) padded to 64 bytes, then the raw elements.
///
/// Loads the dtypes Kindling has (`b1`, `u1`, `i1`, `i2`, `i4`, `i8`, `f2`, `f4`, `f8`, either
/// byte order) in C or Fortran order, into a contiguous tensor; saves byte for byte as
/// `numpy.save` does. Input is untrusted: a header that disagrees with the data throws.
///
/// ```swift
/// let x = try NPY.load(contentsOf: "features.npy")      // float32 [1000, 20], say
/// try NPY.save(x, to: "copy.npy")                        // numpy.load reads it back
/// try NPY.save(x, to: "columns.npy", fortranOrder: true)
/// ```
public enum NPY {
  /// The 6-byte magic string, `\x93NUMPY`.
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

  /// Reads the `.npy` file at `path`.
  ///
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)``, and
  ///   ``DataSetError/malformed(path:format:problem:)`` naming what is wrong.
  public static func load(contentsOf path: String) throws(DataSetError) -> Tensor {
    let file = try FileReader.contents(of: path)
    return try withExtendedLifetime(file) { () throws(DataSetError) in try parse(file.bytes, source: path) }
  }

  /// Parses the bytes of a `.npy` file; `source` names it in errors.
  public static func parse(_ bytes: [UInt8], source: String) throws(DataSetError) -> Tensor {
    try bytes.withUnsafeBytes { raw in Result { () throws(DataSetError) in try parse(raw, source: source) } }.get()
  }

  /// Writes `tensor` to `path` as `numpy.save` would, atomically.
  ///
  /// - Precondition: the tensor is on the CPU and not bfloat16 (NumPy has no bfloat16).
  /// - Throws: ``DataSetError/writeFailed(path:reason:)``.
  public static func save(_ tensor: Tensor, to path: String, fortranOrder: Bool = false) throws(DataSetError) {
    try AtomicFile.write(encode(tensor, fortranOrder: fortranOrder), to: path)
  }

  /// The bytes of `tensor` as a version 1.0 `.npy` file.
  public static func encode(_ tensor: Tensor, fortranOrder: Bool = false) -> [UInt8] {
    precondition(tensor.device == .cpu, "NPY.encode: move the tensor to the CPU first")
    guard let code = typeCode(for: tensor.dtype) else {
      preconditionFailure("NPY.encode: NumPy has no \(tensor.dtype); convert with .to(.float32) first")
    }
    let byteOrder = tensor.dtype.itemSize == 1 ? "|" : "<"
    // NumPy writes fortran_order True only for arrays that are not also C-contiguous: with at
    // most one dimension longer than 1 (or no elements) both orders are the same bytes.
    let fortranOrder = fortranOrder && tensor.count > 0 && tensor.shape.count(where: { $0 > 1 }) > 1
    let shapeText = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(byteOrder)\(code)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    let unpadded = magic.count + 4 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    let ordered = fortranOrder && tensor.rank > 1 ? tensor.permute(Array((0..<tensor.rank).reversed())) : tensor
    let data = ordered.contiguous()
    let byteCount = data.count * data.dtype.itemSize
    bytes += UnsafeRawBufferPointer(start: data.storage.data + data.storageOffset * data.dtype.itemSize, count: byteCount)
    return bytes
  }

  /// ``parse(_:source:)`` on raw bytes (file contents, zip entries).
  static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataSetError) -> Tensor {
    func bad(_ problem: String) -> DataSetError { .malformed(path: source, format: ".npy", problem: problem) }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw bad("it does not start with the .npy magic string \\x93NUMPY")
    }
    let major = bytes[6]
    guard (1...3).contains(major) else { throw bad("format version \(major).\(bytes[7]) is not 1.0, 2.0 or 3.0") }
    let lengthBytes = major == 1 ? 2 : 4
    guard bytes.count >= 8 + lengthBytes else { throw bad("the file ends inside the header length") }
    let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    let headerStart = 8 + lengthBytes
    guard headerLength <= bytes.count - headerStart else {
      throw bad("the header claims \(headerLength) bytes, but only \(bytes.count - headerStart) follow")
    }
    let text = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    let header = try NPYHeader(parsing: text, bad)
    let dataStart = headerStart + headerLength
    var elementCount = 1
    for dimension in header.shape {
      let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
      guard !overflow else { throw bad("shape \(header.shape) holds more elements than memory can address") }
      elementCount = product
    }
    let (expected, overflow) = elementCount.multipliedReportingOverflow(by: header.dtype.itemSize)
    let actual = bytes.count - dataStart
    guard !overflow, expected == actual else {
      throw bad(
        "the header describes a \(header.dtype) array of shape \(header.shape) (\(overflow ? "too many" : "\(expected)") "
          + "bytes of data), but \(actual) bytes follow it")
    }
    let storageShape = header.fortranOrder ? header.shape.reversed() : header.shape
    let tensor = Tensor(uninitializedShape: Array(storageShape), dtype: header.dtype)
    if expected > 0 {
      let destination = tensor.storage.data
      if header.swapBytes {
        let item = header.dtype.itemSize
        for i in 0..<elementCount {
          for b in 0..<item {
            destination.storeBytes(of: bytes[dataStart + i * item + item - 1 - b], toByteOffset: i * item + b, as: UInt8.self)
          }
        }
      } else {
        destination.copyMemory(from: bytes.baseAddress! + dataStart, byteCount: expected)
      }
      if header.dtype == .bool {
        let flags = destination.assumingMemoryBound(to: UInt8.self)
        for i in 0..<elementCount where flags[i] > 1 { throw bad("bool element \(i) is \(flags[i]), not 0 or 1") }
      }
    }
    guard header.fortranOrder, header.shape.count > 1 else { return tensor }
    return tensor.permute(Array((0..<header.shape.count).reversed())).contiguous()
  }

  /// NumPy's type character and size for `dtype` (`f4`, `i8`, `b1`, …), `nil` for bfloat16.
  static func typeCode(for dtype: DType) -> String? {
    switch dtype {
    case .bool: "b1"
    case .uint8: "u1"
    case .int8: "i1"
    case .int16: "i2"
    case .int32: "i4"
    case .int64: "i8"
    case .float16: "f2"
    case .float32: "f4"
    case .float64: "f8"
    case .bfloat16: nil
    }
  }
}

/// The fields of a `.npy` header dictionary, validated.
struct NPYHeader {
  var dtype: DType
  var swapBytes: Bool
  var fortranOrder: Bool
  var shape: [Int]

  /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`; `bad` makes errors.
  init(parsing text: String, _ bad: (String) -> DataSetError) throws(DataSetError) {
    let body = text.trimming(" \n")
    guard body.hasPrefix("{"), body.hasSuffix("}") else { throw bad("the header is not a Python dictionary: \(body.prefix(80))") }
    guard let descr = Self.value(of: "descr", in: body), let order = Self.value(of: "fortran_order", in: body),
      let shapeText = Self.value(of: "shape", in: body)
    else { throw bad("the header lacks one of 'descr', 'fortran_order' and 'shape': \(body.prefix(120))") }

    let quoted = descr.trimming("'\"")
    guard quoted.count == 3, descr.count == 5, let order0 = quoted.first, "<>|=".contains(order0) else {
      throw bad("descr \(descr) is not a simple type such as '<f4'")
    }
    let code = String(quoted.dropFirst())
    guard let dtype = DType.allNPY.first(where: { NPY.typeCode(for: $0) == code }) else {
      throw bad("descr \(descr) is not a type Kindling loads (bool, uint8, int8, int16, int32, int64, float16, float32 or float64)")
    }
    self.dtype = dtype
    swapBytes = order0 == ">" && dtype.itemSize > 1

    switch order {
    case "True": fortranOrder = true
    case "False": fortranOrder = false
    default: throw bad("fortran_order is \(order), not True or False")
    }

    guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else { throw bad("shape \(shapeText) is not a tuple") }
    let inner = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimming(" ") }
    var shape: [Int] = []
    for (i, part) in inner.enumerated() where !(part.isEmpty && i == inner.count - 1) {
      guard let dimension = Int(part), dimension >= 0 else { throw bad("shape \(shapeText) has a dimension that is not a whole number ≥ 0") }
      shape.append(dimension)
    }
    self.shape = shape
  }

  /// The raw text of `key`'s value: up to the next top-level comma (a tuple counts as one).
  private static func value(of key: String, in body: String) -> String? {
    guard let keyRange = body.range(of: "'\(key)'") ?? body.range(of: "\"\(key)\"") else { return nil }
    var rest = body[keyRange.upperBound...].drop { $0 == " " }
    guard rest.first == ":" else { return nil }
    rest = rest.dropFirst().drop { $0 == " " }
    var depth = 0
    var end = rest.startIndex
    while end < rest.endIndex {
      let c = rest[end]
      if c == "(" { depth += 1 }
      if c == ")" { depth -= 1 }
      if depth == 0 && (c == "," || c == "}") { break }
      end = rest.index(after: end)
    }
    return rest[..<end].trimming(" ")
  }
}

extension DType {
  /// The dtypes `.npy` files can hold here.
  static let allNPY: [DType] = [.bool, .uint8, .int8, .int16, .int32, .int64, .float16, .float32, .float64]
}

extension StringProtocol {
  /// The string without leading and trailing characters from `set`.
  func trimming(_ set: String) -> String {
    var slice = Substring(self)
    while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
    while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
    return String(slice)
  }
}
