import KindlingStorage

/// The header of an IDX file: the magic number (two zero bytes, a type code, a dimension
/// count) and one big-endian `UInt32` per dimension, validated.
///
/// ```swift
/// // 00 00 08 03 | 00 00 EA 60 | 00 00 00 1C | 00 00 00 1C
/// let header = try IDXHeader.parse(bytes, source: "train-images-idx3-ubyte")
/// header.dtype          // .uint8
/// header.shape          // [60000, 28, 28]
/// header.byteCount      // 16
/// header.payloadBytes   // 47_040_000
/// ```
struct IDXHeader: Equatable, Sendable {
  /// The element type.
  var dtype: DType
  /// The dimensions, outermost first.
  var shape: [Int]
  /// The element count: the product of ``shape``.
  var elementCount: Int
  /// The bytes the elements take: ``elementCount`` × `dtype.itemSize`.
  var payloadBytes: Int

  /// The header's own size: 4 magic bytes and 4 per dimension.
  var byteCount: Int { 4 + 4 * shape.count }

  /// The longest header there is (``IDX/maximumDimensionCount`` dimensions).
  static var maximumByteCount: Int { 4 + 4 * IDX.maximumDimensionCount }

  /// Reads and validates the header at the start of `bytes` (which may hold more).
  ///
  /// - Throws: ``DataSetError/truncatedHeader(path:byteCount:requiredBytes:)``,
  ///   ``DataSetError/badMagic(path:found:)``, ``DataSetError/unknownDTypeCode(path:code:)``,
  ///   ``DataSetError/badDimensionCount(path:count:maximum:)``,
  ///   ``DataSetError/shapeOverflow(path:shape:)``.
  static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataSetError) -> IDXHeader {
    guard bytes.count >= 4 else {
      if bytes.prefix(2).contains(where: { $0 != 0 }) { throw .badMagic(path: source, found: Array(bytes)) }
      throw .truncatedHeader(path: source, byteCount: bytes.count, requiredBytes: 4)
    }
    guard bytes[0] == 0, bytes[1] == 0 else { throw .badMagic(path: source, found: Array(bytes[0..<4])) }
    guard let dtype = IDX.dtype(forCode: bytes[2]) else { throw .unknownDTypeCode(path: source, code: bytes[2]) }
    let rank = Int(bytes[3])
    guard (1...IDX.maximumDimensionCount).contains(rank) else {
      throw .badDimensionCount(path: source, count: rank, maximum: IDX.maximumDimensionCount)
    }
    let byteCount = 4 + 4 * rank
    guard bytes.count >= byteCount else {
      throw .truncatedHeader(path: source, byteCount: bytes.count, requiredBytes: byteCount)
    }
    let shape = (0..<rank).map {
      Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self)))
    }

    var elementCount = 1
    for dimension in shape {
      let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
      guard !overflow else { throw .shapeOverflow(path: source, shape: shape) }
      elementCount = product
    }
    let (payloadBytes, overflow) = elementCount.multipliedReportingOverflow(by: dtype.itemSize)
    guard !overflow else { throw .shapeOverflow(path: source, shape: shape) }
    return IDXHeader(dtype: dtype, shape: shape, elementCount: elementCount, payloadBytes: payloadBytes)
  }
}
