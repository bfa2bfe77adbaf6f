/// Why a safetensors file could not be read or written.
///
/// Every case names the file (`path`; `"<memory>"` for bytes parsed in memory) and, where one
/// tensor is at fault, its name. The cases follow the checks of the Rust `safetensors` library
/// (`SafeTensors::read_metadata` and `Metadata::validate`), plus the ones its JSON decoder makes
/// implicitly (duplicate names, non-string metadata).
///
/// ```swift
/// do {
///   _ = try SafeTensors.load(from: "/tmp/missing.safetensors")
/// } catch .io(let path, let operation, let errno) {
///   print(path, operation, errno)   // /tmp/missing.safetensors open 2
/// } catch {
///   print(error)
/// }
/// ```
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
  /// The file is shorter than the 8-byte header length.
  case headerTooSmall(path: String, size: Int)
  /// The header length exceeds ``SafeTensors/maximumHeaderSize``.
  case headerTooLarge(path: String, length: UInt64)
  /// The header length runs past the end of the file.
  case headerBeyondFile(path: String, length: UInt64, fileSize: Int)
  /// The header is not valid UTF-8.
  case headerNotUTF8(path: String)
  /// The header is not valid JSON (`reason` says what and where) or not a JSON object.
  case invalidHeaderJSON(path: String, reason: String)
  /// Two entries of the header have the same name.
  case duplicateName(path: String, name: String)
  /// `__metadata__` is not an object mapping strings to strings.
  case invalidMetadata(path: String, reason: String)
  /// A tensor entry lacks `dtype`, `shape` or `data_offsets`, or one of them has the wrong form
  /// (a negative, fractional or too-large size, offsets that are not two integers).
  case invalidTensorEntry(path: String, name: String, reason: String)
  /// A dtype Kindling does not have (`U16`, `F8_E4M3`, ...) or that safetensors does not name.
  case unknownDType(path: String, name: String, dtype: String)
  /// The element count or byte size of a shape overflows.
  case sizeOverflow(path: String, name: String)
  /// The tensor does not start where the previous one ends, or ends before it starts: offsets
  /// overlap or leave a gap.
  case invalidOffsets(path: String, name: String, begin: Int, end: Int, expectedBegin: Int)
  /// `data_offsets` span a different number of bytes than shape × dtype size.
  case sizeMismatch(path: String, name: String, expectedBytes: Int, actualBytes: Int)
  /// The tensors' bytes do not cover the data buffer exactly (offsets out of the buffer, or
  /// bytes left over at its end).
  case incompleteBuffer(path: String, coveredBytes: Int, bufferBytes: Int)
  /// A system call failed (`operation` is `open`, `read`, `write`, `fsync`, `rename`, ...).
  case io(path: String, operation: String, errno: Int32)
  /// A tensor that cannot be written (its storage could not be read on the CPU).
  case unwritableTensor(path: String, name: String, reason: String)

  /// The file the error is about.
  public var path: String {
    switch self {
    case .headerTooSmall(let path, _), .headerTooLarge(let path, _), .headerBeyondFile(let path, _, _),
      .headerNotUTF8(let path), .invalidHeaderJSON(let path, _), .duplicateName(let path, _),
      .invalidMetadata(let path, _), .invalidTensorEntry(let path, _, _), .unknownDType(let path, _, _),
      .sizeOverflow(let path, _), .invalidOffsets(let path, _, _, _, _), .sizeMismatch(let path, _, _, _),
      .incompleteBuffer(let path, _, _), .io(let path, _, _), .unwritableTensor(let path, _, _):
      path
    }
  }

  public var description: String {
    switch self {
    case .headerTooSmall(let path, let size):
      "safetensors: \(path): file has \(size) bytes, fewer than the 8 of the header length"
    case .headerTooLarge(let path, let length):
      "safetensors: \(path): header length \(length) exceeds the limit of \(SafeTensors.maximumHeaderSize) bytes"
    case .headerBeyondFile(let path, let length, let fileSize):
      "safetensors: \(path): header length \(length) runs past the end of the \(fileSize)-byte file"
    case .headerNotUTF8(let path):
      "safetensors: \(path): header is not valid UTF-8"
    case .invalidHeaderJSON(let path, let reason):
      "safetensors: \(path): header is not a JSON object: \(reason)"
    case .duplicateName(let path, let name):
      "safetensors: \(path): tensor name '\(name)' appears twice in the header"
    case .invalidMetadata(let path, let reason):
      "safetensors: \(path): __metadata__ must map strings to strings: \(reason)"
    case .invalidTensorEntry(let path, let name, let reason):
      "safetensors: \(path): tensor '\(name)': \(reason)"
    case .unknownDType(let path, let name, let dtype):
      "safetensors: \(path): tensor '\(name)' has dtype '\(dtype)', which Kindling cannot hold"
    case .sizeOverflow(let path, let name):
      "safetensors: \(path): tensor '\(name)': shape × dtype size overflows"
    case .invalidOffsets(let path, let name, let begin, let end, let expectedBegin):
      "safetensors: \(path): tensor '\(name)' has data_offsets [\(begin), \(end)] but must start at "
        + "\(expectedBegin) and not end before it starts (offsets overlap or leave a gap)"
    case .sizeMismatch(let path, let name, let expectedBytes, let actualBytes):
      "safetensors: \(path): tensor '\(name)': shape and dtype need \(expectedBytes) bytes but data_offsets span "
        + "\(actualBytes)"
    case .incompleteBuffer(let path, let coveredBytes, let bufferBytes):
      "safetensors: \(path): tensors cover \(coveredBytes) bytes but the data buffer has \(bufferBytes)"
    case .io(let path, let operation, let errno):
      "safetensors: \(path): \(operation) failed (errno \(errno))"
    case .unwritableTensor(let path, let name, let reason):
      "safetensors: \(path): cannot write tensor '\(name)': \(reason)"
    }
  }
}
