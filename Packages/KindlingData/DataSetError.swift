import KindlingStorage

/// Why an IDX file or a data set could not be loaded.
///
/// Every case names the file (or data set directory) it is about, and its ``description`` is a
/// full sentence that says what is wrong and what to do about it.
///
/// ```swift
/// do {
///   let train = try FashionMNIST(root: "/data/fashion-mnist")
/// } catch {
///   print(error)   // Fashion-MNIST was not found in /data/fashion-mnist: missing …
/// }
/// ```
public enum DataSetError: Error, Equatable, Sendable {
  /// The file does not exist or cannot be read; `reason` is the system's explanation.
  case fileUnreadable(path: String, reason: String)
  /// The data ends before the IDX header does: it holds `byteCount` bytes, the header needs
  /// `requiredBytes`.
  case truncatedHeader(path: String, byteCount: Int, requiredBytes: Int)
  /// The data does not begin with an IDX magic number (two zero bytes, a type code, a dimension
  /// count); `found` holds its first bytes (at most four).
  case badMagic(path: String, found: [UInt8])
  /// The IDX type code (the magic number's third byte) is not one of the six IDX element types.
  case unknownDTypeCode(path: String, code: UInt8)
  /// The dimension count (the magic number's fourth byte) is 0 or more than `maximum`.
  case badDimensionCount(path: String, count: Int, maximum: Int)
  /// The dimensions multiply to more elements (or bytes) than an `Int` can count.
  case shapeOverflow(path: String, shape: [Int])
  /// The payload after the header is not exactly the `expectedBytes` the header's `dtype` and
  /// `shape` describe.
  case sizeMismatch(path: String, dtype: DType, shape: [Int], expectedBytes: Int, actualBytes: Int)
  /// The gzip stream is corrupt or truncated; `message` is zlib's (or Kindling's) explanation.
  case corruptGzip(path: String, message: String)
  /// Decompressing would produce more than `limit` bytes (a zip bomb, or a limit set too low),
  /// or a path that is not a regular file (a pipe, a device) yields more than `limit` bytes.
  case decompressedTooLarge(path: String, limit: Int)
  /// There is not enough memory for the `requestedBytes` the file needs.
  case outOfMemory(path: String, requestedBytes: Int)
  /// Files of data set `name` are missing from `root`; `files` are the missing names (each may
  /// also be present with `.gz` appended) and `hint` says how to get them.
  case missingDataSet(name: String, root: String, files: [String], hint: String)
  /// The file holds a valid IDX array, but not the layout the data set needs (`expected`, for
  /// example `uint8 [N, 28, 28]`).
  case unexpectedLayout(path: String, expected: String, dtype: DType, shape: [Int])
  /// The images file and the labels file of one split hold different numbers of examples.
  case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
  /// Label number `index` is `label`, but the data set has only `classCount` classes.
  case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
  /// A CSV, `.npy` or `.npz` file (`format`) is not what it claims to be; `problem` says where
  /// and how (a line number, a header field, a zip entry).
  case malformed(path: String, format: String, problem: String)
  /// Writing the file failed; nothing was left at `path` (writes go to a temporary name first).
  case writeFailed(path: String, reason: String)
}

extension DataSetError: CustomStringConvertible {
  /// A full sentence naming the file, what is wrong with it, and what to do.
  public var description: String {
    let corrupt = "The file is corrupt or not an IDX file; download it again."
    switch self {
    case .fileUnreadable(let path, let reason):
      return "Cannot read \(path): \(reason). Check that the file exists and that you may read it."
    case .truncatedHeader(let path, let byteCount, let requiredBytes):
      return "\(path) is not a valid IDX file: it holds \(bytes(byteCount)), but its header needs "
        + "\(bytes(requiredBytes)). \(corrupt)"
    case .badMagic(let path, let found):
      let hex = found.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
      return "\(path) is not an IDX file: IDX data starts with two zero bytes, a type code and a dimension "
        + "count, but this starts with \(hex). Pass an IDX file such as train-images-idx3-ubyte, plain or "
        + "gzip-compressed."
    case .unknownDTypeCode(let path, let code):
      let hex = (code < 16 ? "0x0" : "0x") + String(code, radix: 16, uppercase: true)
      return "\(path) has IDX type code \(hex), which is none of 0x08 (uint8), 0x09 (int8), 0x0B (int16), "
        + "0x0C (int32), 0x0D (float32) or 0x0E (float64). \(corrupt)"
    case .badDimensionCount(let path, let count, let maximum):
      return "\(path) declares \(count) dimension\(count == 1 ? "" : "s"), but Kindling reads IDX arrays of "
        + "1 to \(maximum) dimensions. \(corrupt)"
    case .shapeOverflow(let path, let shape):
      return "\(path) declares shape \(shape), which holds more bytes than memory can address. \(corrupt)"
    case .sizeMismatch(let path, let dtype, let shape, let expectedBytes, let actualBytes):
      let difference = actualBytes - expectedBytes
      let off = difference < 0 ? "\(bytes(-difference)) too few" : "\(bytes(difference)) too many"
      return "\(path) is not a valid IDX file: its header describes a \(dtype) array of shape \(shape), "
        + "which needs \(bytes(expectedBytes)) of data after the header, but there are \(bytes(actualBytes)) "
        + "(\(off)). The file is truncated or corrupt; download it again."
    case .corruptGzip(let path, let message):
      return "\(path) is not a valid gzip file: \(message). The download was probably cut short or damaged; "
        + "download it again."
    case .decompressedTooLarge(let path, let limit):
      return "\(path) holds more than \(formatBytes(limit)) of data once decompressed, the limit for one IDX "
        + "file. If the file is genuine, pass a larger maxDecompressedBytes: to IDX.read; otherwise it is not a "
        + "data set file (a zip bomb, or a device such as /dev/zero)."
    case .outOfMemory(let path, let requestedBytes):
      return "Not enough memory to load \(path): it needs \(formatBytes(requestedBytes)). Free memory or load a "
        + "smaller file."
    case .missingDataSet(let name, let root, let files, let hint):
      return "\(name) was not found in \(root): missing \(list(files)) (each plain or with .gz appended). "
        + "To get it, \(hint)."
    case .unexpectedLayout(let path, let expected, let dtype, let shape):
      return "\(path) holds a \(dtype) array of shape \(shape), but this data set needs \(expected). Check "
        + "that root: points at the right data set and that the file names are not swapped."
    case .countMismatch(let images, let imageCount, let labels, let labelCount):
      return "\(images) holds \(imageCount) image\(imageCount == 1 ? "" : "s") but \(labels) holds "
        + "\(labelCount) label\(labelCount == 1 ? "" : "s"); they must match. Check that both files come from "
        + "the same data set and split, and download them again."
    case .labelOutOfRange(let path, let index, let label, let classCount):
      return "\(path) gives label \(label) to example \(index), but the data set has only \(classCount) "
        + "classes (labels 0 to \(classCount - 1)). \(corrupt)"
    case .malformed(let path, let format, let problem):
      return "\(path) is not a valid \(format) file: \(problem)."
    case .writeFailed(let path, let reason):
      return "Cannot write \(path): \(reason). Check that the directory exists and that you may write to it."
    }
  }
}

/// `1 byte`, `16 bytes`: exact byte counts for messages about file layouts.
private func bytes(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

/// `a`, `a and b`, `a, b and c`.
private func list(_ items: [String]) -> String {
  guard let last = items.last else { return "nothing" }
  return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
}
