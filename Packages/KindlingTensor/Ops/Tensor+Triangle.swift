import KindlingStorage

// tril and triu: the lower or upper triangle of the last two dimensions, the rest zeroed.

extension Tensor {
  /// A copy with the elements above diagonal `diagonal` of the last two dimensions set to zero
  /// (`tril`); a positive `diagonal` keeps more, a negative one fewer.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).tril()   // tensor([[1, 0], [3, 4]])
  /// ```
  public func tril(diagonal: Int = 0) -> Tensor {
    precondition(rank >= 2, "tril: input tensor must have at least 2 dimensions")
    return record(triangle(diagonal: diagonal, lower: true), "TrilBackward0", self, ["diagonal": diagonal])
  }

  /// A copy with the elements below diagonal `diagonal` of the last two dimensions set to zero
  /// (`triu`).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).triu()   // tensor([[1, 2], [0, 4]])
  /// ```
  public func triu(diagonal: Int = 0) -> Tensor {
    precondition(rank >= 2, "triu: input tensor must have at least 2 dimensions")
    return record(triangle(diagonal: diagonal, lower: false), "TriuBackward0", self, ["diagonal": diagonal])
  }

  /// A contiguous copy with one side of the diagonal zeroed (zero bits are zero in every dtype).
  private func triangle(diagonal: Int, lower: Bool) -> Tensor {
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    out.assign(detach())
    let rows = shape[rank - 2], columns = shape[rank - 1]
    let size = dtype.itemSize
    let base = out.storage.data + out.storageOffset * size
    let matrices = rows * columns == 0 ? 0 : count / (rows * columns)
    for m in 0..<matrices {
      for i in 0..<rows {
        // tril zeroes columns after i + diagonal; triu zeroes the columns before it.
        let range = lower ? Swift.min(Swift.max(i + diagonal + 1, 0), columns)..<columns : 0..<Swift.min(Swift.max(i + diagonal, 0), columns)
        guard !range.isEmpty else { continue }
        (base + ((m * rows + i) * columns + range.lowerBound) * size).initializeMemory(
          as: UInt8.self, repeating: 0, count: range.count * size)
      }
    }
    return out
  }
}
