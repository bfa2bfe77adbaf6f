import KindlingStorage

/// Reads IDX files, the format of MNIST, Fashion-MNIST, EMNIST, KMNIST and their kin:
/// a 4-byte magic number (`00 00`, a type code, a dimension count), one big-endian `UInt32`
/// per dimension, then the elements, big-endian, row-major.
///
/// Files may be plain or gzip-compressed; compression is recognised by the gzip magic number
/// `1f 8b`, not by the file name. The input is treated as untrusted: every malformed file
/// throws a ``DataSetError`` naming it (never a crash, never an out-of-bounds read), and
/// decompression stops at ``defaultMaxDecompressedBytes`` unless told otherwise.
///
/// ```swift
/// let images = try IDX.read(contentsOf: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
/// images.dtype   // .uint8
/// images.shape   // [60000, 28, 28]
/// ```
public enum IDX {
  /// The most dimensions an IDX array may have here: 8.
  public static let maximumDimensionCount = 8

  /// The most bytes a gzip-compressed IDX file may decompress to unless told otherwise: 1 GiB.
  public static let defaultMaxDecompressedBytes = 1 << 30

  /// Reads the IDX file at `path`, plain or gzip-compressed.
  ///
  /// ```swift
  /// let labels = try IDX.read(contentsOf: "t10k-labels-idx1-ubyte.gz")   // uint8, shape [10000]
  /// ```
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - maxDecompressedBytes: for a gzip file, the most bytes it may decompress to; for a path
  ///     that is not a regular file (a pipe, a device), the most bytes read from it. Regular
  ///     plain files are read whole.
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)`` and everything
  ///   ``parse(_:source:maxDecompressedBytes:)`` throws.
  public static func read(
    contentsOf path: String, maxDecompressedBytes: Int = defaultMaxDecompressedBytes
  ) throws(DataSetError) -> IDXArray {
    let file = try FileReader.contents(of: path, streamLimit: maxDecompressedBytes)
    return try withExtendedLifetime(file) { () throws(DataSetError) in
      try parse(file.bytes, source: path, maxDecompressedBytes: maxDecompressedBytes)
    }
  }

  /// Parses the bytes of an IDX file, plain or gzip-compressed.
  ///
  /// ```swift
  /// // uint8, 1 dimension of 3: 00 00 08 01 | 00 00 00 03 | 07 08 09
  /// let array = try IDX.parse([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9], source: "inline")
  /// array.shape                        // [3]
  /// array.scalars(as: UInt8.self)      // [7, 8, 9]
  /// ```
  ///
  /// - Parameters:
  ///   - bytes: the file's bytes.
  ///   - source: the name errors give the data, usually its path.
  ///   - maxDecompressedBytes: for gzip data, the most bytes it may decompress to.
  /// - Throws: ``DataSetError/corruptGzip(path:message:)``,
  ///   ``DataSetError/decompressedTooLarge(path:limit:)``,
  ///   ``DataSetError/truncatedHeader(path:byteCount:requiredBytes:)``,
  ///   ``DataSetError/badMagic(path:found:)``, ``DataSetError/unknownDTypeCode(path:code:)``,
  ///   ``DataSetError/badDimensionCount(path:count:maximum:)``,
  ///   ``DataSetError/shapeOverflow(path:shape:)``,
  ///   ``DataSetError/sizeMismatch(path:dtype:shape:expectedBytes:actualBytes:)``,
  ///   ``DataSetError/outOfMemory(path:requestedBytes:)``.
  public static func parse(
    _ bytes: [UInt8], source: String, maxDecompressedBytes: Int = defaultMaxDecompressedBytes
  ) throws(DataSetError) -> IDXArray {
    // Array.withUnsafeBytes rethrows untyped errors; a Result carries the typed one out.
    try bytes.withUnsafeBytes { raw in
      Result { () throws(DataSetError) in try parse(raw, source: source, maxDecompressedBytes: maxDecompressedBytes) }
    }.get()
  }

  /// ``parse(_:source:maxDecompressedBytes:)`` on raw bytes, which file reads hand over
  /// without copying them into an array.
  static func parse(
    _ bytes: UnsafeRawBufferPointer, source: String, maxDecompressedBytes: Int
  ) throws(DataSetError) -> IDXArray {
    guard Gzip.isCompressed(bytes) else { return try decode(bytes, source: source) }
    let plain = try Gzip.decompress(bytes, source: source, limit: maxDecompressedBytes)
    return try withExtendedLifetime(plain) { () throws(DataSetError) in try decode(plain.bytes, source: source) }
  }

  /// Reads only the header of the IDX file at `path` (decompressing only its start when it is
  /// gzip-compressed), for checking a data set's shapes without loading it.
  ///
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)``,
  ///   ``DataSetError/corruptGzip(path:message:)`` and the header errors of ``IDXHeader/parse(_:source:)``.
  static func header(contentsOf path: String) throws(DataSetError) -> IDXHeader {
    // 64 KiB reaches past any gzip header a real file has (an optional name or comment).
    let start = try FileReader.contents(of: path, maxBytes: 64 << 10)
    return try withExtendedLifetime(start) { () throws(DataSetError) in
      guard Gzip.isCompressed(start.bytes) else { return try IDXHeader.parse(start.bytes, source: path) }
      let head = try Gzip.decompressPrefix(start.bytes, source: path, count: IDXHeader.maximumByteCount)
      return try head.withUnsafeBytes { raw in
        Result { () throws(DataSetError) in try IDXHeader.parse(raw, source: path) }
      }.get()
    }
  }

  /// Validates uncompressed IDX bytes and copies the elements into a new storage in host order.
  private static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataSetError) -> IDXArray {
    let header = try IDXHeader.parse(bytes, source: source)
    let payload = bytes.count - header.byteCount
    guard payload == header.payloadBytes else {
      throw .sizeMismatch(
        path: source, dtype: header.dtype, shape: header.shape, expectedBytes: header.payloadBytes,
        actualBytes: payload)
    }
    let storage: Storage
    do {
      storage = try Storage(count: header.elementCount, dtype: header.dtype)
    } catch {
      throw .outOfMemory(path: source, requestedBytes: header.payloadBytes)
    }
    if header.elementCount > 0 {
      copyBigEndian(
        from: bytes.baseAddress! + header.byteCount, to: storage.data, count: header.elementCount,
        itemSize: header.dtype.itemSize)
    }
    return IDXArray(dtype: header.dtype, shape: header.shape, storage: storage)
  }
}
