import KindlingStorage

/// An n-dimensional array read from an IDX file: its dtype, its shape, and its elements in host
/// byte order, contiguous and row-major, in a `Storage` a tensor can view without copying.
///
/// ```swift
/// let labels = try IDX.read(contentsOf: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
/// labels.dtype                        // .uint8
/// labels.shape                        // [10000]
/// labels.scalars(as: UInt8.self)[0]   // 9 (ankle boot)
/// ```
public struct IDXArray: Sendable {
  /// The element type.
  public let dtype: DType
  /// The dimensions, outermost first (an image file: `[N, rows, columns]`).
  public let shape: [Int]
  /// The elements, `count × dtype.itemSize` bytes in host byte order, on the CPU.
  public let storage: Storage

  /// The number of elements: the product of ``shape``.
  public var count: Int { shape.reduce(1, *) }

  /// Wraps `storage` as an array of `dtype` and `shape`.
  ///
  /// - Precondition: `storage` holds at least `shape`'s element count of `dtype`.
  init(dtype: DType, shape: [Int], storage: Storage) {
    self.dtype = dtype
    self.shape = shape
    self.storage = storage
    precondition(
      storage.byteCount >= count * dtype.itemSize,
      "IDXArray: \(storage.byteCount) bytes cannot hold shape \(shape) of \(dtype)")
  }

  /// The elements as a Swift array of `type`, row-major.
  ///
  /// `type` must be as wide as the dtype: `UInt8` for uint8, `Int16` for int16, `Float` for
  /// float32, and so on (reinterpreting bits, for example float32 as `UInt32`, is allowed).
  ///
  /// ```swift
  /// let pixels = images.scalars(as: UInt8.self)   // images.count values, 0...255
  /// ```
  ///
  /// - Precondition: `MemoryLayout<T>.size == dtype.itemSize`.
  public func scalars<T: BitwiseCopyable>(as type: T.Type) -> [T] {
    precondition(
      MemoryLayout<T>.size == dtype.itemSize && MemoryLayout<T>.stride == MemoryLayout<T>.size,
      "IDXArray.scalars(as:): \(T.self) is \(MemoryLayout<T>.size) bytes wide, but the array's elements are "
        + "\(dtype) (\(dtype.itemSize) bytes); ask for a type of the dtype's width")
    let count = self.count
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 {
        UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: storage.data, byteCount: count * dtype.itemSize)
      }
      initialized = count
    }
  }
}

extension IDXArray: CustomStringConvertible {
  /// `IDXArray(uint8, shape: [60000, 28, 28])`.
  public var description: String { "IDXArray(\(dtype), shape: \(shape))" }
}
