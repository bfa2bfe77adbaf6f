/// Helpers for shapes and strides, written as free-standing functions over `[Int]` so that the
/// Tensor layer and backends share one definition of each rule.
///
/// Shapes are `[Int]` (they print as `[3, 4]`); strides count elements, not bytes, as in PyTorch.
public enum Shape {
  /// The number of elements of a tensor of this shape: the product of its sizes, 1 for `[]`.
  ///
  /// ```swift
  /// Shape.elementCount([2, 3, 4])   // 24
  /// Shape.elementCount([])          // 1 (a scalar)
  /// ```
  @inlinable
  public static func elementCount(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
  }

  /// Whether two shapes (or two stride lists) are equal: `==` written out so that it inlines
  /// into the per-op checks, where the call to the generic array comparison showed in profiles.
  ///
  /// ```swift
  /// Shape.equal([2, 3], [2, 3])   // true
  /// ```
  @inlinable @inline(__always)
  public static func equal(_ a: [Int], _ b: [Int]) -> Bool {
    guard a.count == b.count else { return false }
    for i in a.indices where a[i] != b[i] { return false }
    return true
  }

  /// Row-major strides for a densely packed tensor of this shape (the last dimension moves
  /// fastest). A size-0 or size-1 dimension gets the stride it would have with size 1, as
  /// PyTorch gives it.
  ///
  /// ```swift
  /// Shape.contiguousStrides([2, 3, 4])   // [12, 4, 1]
  /// ```
  public static func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for i in shape.indices.reversed() {
      strides[i] = step
      step *= max(shape[i], 1)
    }
    return strides
  }

  /// `true` when `strides` describe a densely packed row-major layout of `shape`. Sizes of 1
  /// (and tensors with no elements) accept any stride, as in PyTorch's `is_contiguous`.
  public static func isContiguous(_ shape: [Int], strides: [Int]) -> Bool {
    precondition(shape.count == strides.count, "shape and strides must have the same length")
    // One pass: a stride out of place makes it non-contiguous unless a size is 0 (no elements).
    var expected = 1
    var dense = true
    for i in shape.indices.reversed() {
      let size = shape[i]
      if size == 0 { return true }
      if size != 1 && strides[i] != expected { dense = false }
      expected &*= size
    }
    return dense
  }

  /// The shape two shapes broadcast to, by NumPy's and PyTorch's rule: align the trailing
  /// dimensions; each pair must be equal or contain a 1.
  ///
  /// ```swift
  /// try Shape.broadcast([3, 1], [4])   // [3, 4]
  /// try Shape.broadcast([3], [4])      // throws: The size of tensor a (3) must match the size
  ///                                    // of tensor b (4) at non-singleton dimension 0
  /// ```
  public static func broadcast(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 0, count: rank)
    // PyTorch walks from the last dimension, so the error names the trailing mismatch.
    for i in (0..<rank).reversed() {
      let sizeA = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let sizeB = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      guard sizeA == sizeB || sizeA == 1 || sizeB == 1 else {
        throw .notBroadcastable(shapeA: a, shapeB: b, sizeA: sizeA, sizeB: sizeB, dimension: i)
      }
      result[i] = sizeA == 1 ? sizeB : sizeA
    }
    return result
  }

  /// Strides that read a tensor of shape `shape` with `strides` as if it had shape `target`
  /// (which must be what `shape` broadcasts to): new and size-1 dimensions get stride 0.
  ///
  /// ```swift
  /// Shape.broadcastStrides(shape: [3, 1], strides: [1, 1], to: [2, 3, 4])   // [0, 1, 0]
  /// ```
  public static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
    precondition(shape.count <= target.count, "cannot broadcast \(shape) to fewer dimensions \(target)")
    let lead = target.count - shape.count
    return target.indices.map { i in
      guard i >= lead else { return 0 }
      let size = shape[i - lead]
      precondition(size == target[i] || size == 1, "cannot broadcast \(shape) to \(target)")
      return size == 1 && target[i] != 1 ? 0 : strides[i - lead]
    }
  }

  /// The storage position of every element of a layout, in row-major element order.
  ///
  /// ```swift
  /// Shape.storagePositions(shape: [2, 2], strides: [1, 2], offset: 1)   // [1, 3, 2, 4]
  /// ```
  public static func storagePositions(shape: [Int], strides: [Int], offset: Int) -> [Int] {
    var positions = [offset]
    for (size, stride) in zip(shape, strides) {
      positions = positions.flatMap { start in (0..<size).map { start + $0 * stride } }
    }
    return positions
  }

  /// Turns a possibly negative dimension index into one in `0 ..< rank`.
  ///
  /// A tensor with no dimensions accepts 0 and -1 as PyTorch does, unless `wrapScalar` is false.
  ///
  /// ```swift
  /// try Shape.normalize(dimension: -1, rank: 3)   // 2
  /// try Shape.normalize(dimension: 3, rank: 3)    // throws: Dimension out of range
  ///                                               // (expected to be in range of [-3, 2], but got 3)
  /// ```
  public static func normalize(
    dimension: Int, rank: Int, wrapScalar: Bool = true
  ) throws(ShapeError) -> Int {
    var effectiveRank = rank
    if rank == 0 {
      guard wrapScalar else { throw .noDimensions(dimension: dimension) }
      effectiveRank = 1
    }
    guard dimension >= -effectiveRank, dimension < effectiveRank else {
      throw .dimensionOutOfRange(dimension: dimension, rank: effectiveRank)
    }
    return dimension < 0 ? dimension + effectiveRank : dimension
  }

  /// Checks that no size is negative, with PyTorch's message.
  public static func validate(_ shape: [Int]) throws(ShapeError) {
    if shape.contains(where: { $0 < 0 }) { throw .negativeSize(shape: shape) }
  }
}
