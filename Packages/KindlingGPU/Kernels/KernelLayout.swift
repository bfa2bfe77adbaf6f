import KindlingTensor

/// The index space of an elementwise kernel: one shape and, per operand (the output first),
/// strides and an element offset, with dimensions merged where every operand allows it.
///
/// Kernels receive it by value as the C struct ``KernelLayout/declaration``:
/// `rank, count, shape[8], stride[4][8], offset[4]`, all `i64`.
struct KernelLayout {
  static let maxRank = 8
  static let maxOperands = 4
  /// The C declaration kernels use.
  static let declaration = """
    typedef struct { i64 rank; i64 count; i64 shape[8]; i64 stride[4][8]; i64 offset[4]; } KLayout;

    """

  private(set) var shape: [Int]
  private(set) var strides: [[Int]]
  let offsets: [Int]
  let count: Int

  /// The layout of `operands` (output first), which all have the output's shape.
  init(_ operands: [Tensor]) {
    let full = operands[0].shape
    count = full.reduce(1, *)
    offsets = operands.map(\.storageOffset)
    // Size-1 dimensions move nothing; drop them, then merge neighbours that are contiguous
    // with each other in every operand.
    var shape: [Int] = []
    var strides: [[Int]] = Array(repeating: [], count: operands.count)
    for d in full.indices where full[d] != 1 {
      if let last = shape.indices.last,
        operands.indices.allSatisfy({ strides[$0][last] == operands[$0].strides[d] * full[d] })
      {
        shape[last] *= full[d]
        for k in operands.indices { strides[k][last] = operands[k].strides[d] }
      } else {
        shape.append(full[d])
        for k in operands.indices { strides[k].append(operands[k].strides[d]) }
      }
    }
    if shape.isEmpty {
      shape = [1]
      strides = strides.map { _ in [0] }
    }
    self.shape = shape
    self.strides = strides
  }

  /// Kernel text that turns the flat index `i` into the element offsets `o0 … o<operands-1>` of
  /// the operands of the `KLayout L` (the strided kernels' index walk).
  static func offsetWalk(operands: Int) -> String {
    let starts = (0..<operands).map { "o\($0) = L.offset[\($0)]" }.joined(separator: ", ")
    let steps = (0..<operands).map { "o\($0) += k * L.stride[\($0)][d];" }.joined(separator: " ")
    return """
      i64 r = i, \(starts);
          for (i64 d = L.rank - 1; d >= 0; --d) {
            i64 n = L.shape[d], q = r / n, k = r - q * n;
            r = q;
            \(steps)
          }
      """
  }

  /// One merged dimension: the kernel's dense variant, without index arithmetic.
  var isFlat: Bool { shape.count == 1 }

  /// Whether the kernels can take this layout.
  var fits: Bool { shape.count <= Self.maxRank }

  /// The struct's bytes, as the kernel's `KLayout` parameter.
  var argument: KernelArgument {
    var words: [Int64] = [Int64(shape.count), Int64(count)]
    words += (0..<Self.maxRank).map { $0 < shape.count ? Int64(shape[$0]) : 1 }
    for k in 0..<Self.maxOperands {
      words += (0..<Self.maxRank).map { k < strides.count && $0 < shape.count ? Int64(strides[k][$0]) : 0 }
    }
    words += (0..<Self.maxOperands).map { $0 < offsets.count ? Int64(offsets[$0]) : 0 }
    return .bytes(words.withUnsafeBytes { Array($0) })
  }
}

/// A 1-D launch that covers `count` elements with a grid-stride loop.
struct LaunchShape {
  static let threadsPerBlock = 256
  /// Blocks beyond this loop instead (enough to fill any current GPU).
  static let maxBlocks = 16384
  let blocks: Int

  init(count: Int) {
    blocks = Swift.max(1, Swift.min(Self.maxBlocks, (count + Self.threadsPerBlock - 1) / Self.threadsPerBlock))
  }
}
