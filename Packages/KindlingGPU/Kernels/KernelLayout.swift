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

  /// The struct's words, in the C declaration's order: rank, count, shape, strides, offsets.
  private var words: [Int64]
  /// Merged dimensions (1 for a single element), or more than ``maxRank`` when they do not fit.
  let rank: Int
  /// Elements in the index space.
  let count: Int

  private static let shapeStart = 2
  private static func strideIndex(_ operand: Int, _ dim: Int) -> Int { 2 + maxRank + operand * maxRank + dim }
  private static let offsetStart = 2 + maxRank + maxOperands * maxRank

  /// The layout of `operands` (output first), which all have the output's shape: size-1
  /// dimensions dropped, neighbours merged where they are contiguous with each other in every
  /// operand. Built straight into the struct's words, as this runs for every op.
  init(_ operands: [Tensor]) {
    precondition(operands.count <= Self.maxOperands, "KernelLayout: at most \(Self.maxOperands) operands")
    let full = operands[0].shape
    var words = [Int64](repeating: 0, count: Self.offsetStart + Self.maxOperands)
    var rank = 0, count = 1
    for d in full.indices {
      let size = full[d]
      count *= size
      if size == 1 { continue }
      if rank > 0, rank <= Self.maxRank,
        operands.indices.allSatisfy({ words[Self.strideIndex($0, rank - 1)] == Int64(operands[$0].strides[d] * size) })
      {
        words[Self.shapeStart + rank - 1] *= Int64(size)
        for k in operands.indices { words[Self.strideIndex(k, rank - 1)] = Int64(operands[k].strides[d]) }
        continue
      }
      if rank < Self.maxRank {
        words[Self.shapeStart + rank] = Int64(size)
        for k in operands.indices { words[Self.strideIndex(k, rank)] = Int64(operands[k].strides[d]) }
      }
      rank += 1
    }
    if rank == 0 {
      rank = 1
      words[Self.shapeStart] = 1
    }
    for d in rank..<Self.maxRank where rank < Self.maxRank { words[Self.shapeStart + d] = 1 }
    for (k, operand) in operands.enumerated() { words[Self.offsetStart + k] = Int64(operand.storageOffset) }
    words[0] = Int64(rank)
    words[1] = Int64(count)
    (self.words, self.rank, self.count) = (words, rank, count)
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
  var isFlat: Bool { rank == 1 }

  /// Whether the kernels can take this layout.
  var fits: Bool { rank <= Self.maxRank }

  /// The struct's bytes, as the kernel's `KLayout` parameter.
  var argument: KernelArgument { .bytes(words.withUnsafeBytes { Array($0) }) }
}

/// A 1-D launch that covers `count` elements with a grid-stride loop.
struct LaunchShape {
  static let threadsPerBlock = 256
  /// Blocks beyond this loop instead (enough to fill any current GPU).
  static let maxBlocks = 16384
  let blocks: Int

  init(count: Int) { self.init(count: count, perThread: 1) }

  /// Enough blocks for `count` elements when each thread takes `perThread` of them per step.
  init(count: Int, perThread: Int) {
    let perBlock = Self.threadsPerBlock * perThread
    blocks = Swift.max(1, Swift.min(Self.maxBlocks, (count + perBlock - 1) / perBlock))
  }
}
