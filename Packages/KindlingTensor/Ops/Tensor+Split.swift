// split, chunk and unbind: views of consecutive pieces of a dimension.

extension Tensor {
  /// Pieces of `size` elements along `dim` (the last may be shorter), as views (`split`).
  ///
  /// ```swift
  /// Tensor.zeros([17, 4]).split(4, dim: 0).map(\.shape)   // [[4, 4], [4, 4], [4, 4], [4, 4], [1, 4]]
  /// ```
  public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
    precondition(rank > 0, "split: dim specified for a 0-dimensional tensor")
    let d = normalizedDim(dim, op: "split")
    let length = shape[d]
    precondition(size >= 0, "split expects split_size be non-negative, but got split_size=\(size)")
    precondition(
      size > 0 || length == 0, "split_size can only be 0 if dimension size is 0, but got dimension size of \(length)")
    let pieces = size == 0 ? 1 : Swift.max(1, (length + size - 1) / size)
    return (0..<pieces).map { i in
      let start = i * size
      return piece(d, start: start, length: Swift.min(size, length - start), "SplitBackward0", ["splitSize": size])
    }
  }

  /// Pieces of the given `sizes` along `dim`, which must add up to its size, as views
  /// (`split` with a list).
  ///
  /// ```swift
  /// Tensor.arange(3).split([1, 2], dim: 0)   // [tensor([0]), tensor([1, 2])]
  /// ```
  public func split(_ sizes: [Int], dim: Int = 0) -> [Tensor] {
    precondition(rank > 0, "split_with_sizes: dim specified for a 0-dimensional tensor")
    let d = normalizedDim(dim, op: "split")
    precondition(
      sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[d],
      "split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), "
        + "but got split_sizes=\(sizes)")
    var start = 0
    return sizes.map { size in
      defer { start += size }
      return piece(d, start: start, length: size, "SplitWithSizesBackward0", ["splitSizes": sizes])
    }
  }

  /// `chunks` pieces of (nearly) equal size along `dim`, as views; fewer when the dimension is
  /// too short (`chunk`).
  ///
  /// ```swift
  /// Tensor.zeros([17, 4]).chunk(4, dim: 0).map(\.shape)   // [[5, 4], [5, 4], [5, 4], [2, 4]]
  /// ```
  public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
    precondition(rank > 0, "chunk expects at least a 1-dimensional tensor")
    precondition(chunks > 0, "chunk expects `chunks` to be greater than 0, got: \(chunks)")
    let d = normalizedDim(dim, op: "chunk")
    let size = (shape[d] + chunks - 1) / chunks
    if size == 0 && shape[d] == 0 {
      return (0..<chunks).map { _ in piece(d, start: 0, length: 0, "SplitBackward0", ["splitSize": 0]) }
    }
    return split(size, dim: d)
  }

  /// Every slice along `dim`, with the dimension removed, as views (`unbind`).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).unbind()   // [tensor([1, 2]), tensor([3, 4])]
  /// ```
  public func unbind(dim: Int = 0) -> [Tensor] {
    precondition(rank > 0, "Dimension specified as 0 but tensor has no dimensions")
    let d = normalizedDim(dim, op: "unbind")
    var s = shape, st = strides
    s.remove(at: d)
    st.remove(at: d)
    return (0..<shape[d]).map { i in
      makeView(shape: s, strides: st, offset: storageOffset + i * strides[d], "UnbindBackward0", ["dim": d, "index": i])
    }
  }

  /// `length` elements of `d` from `start` as a view recorded as `name`.
  private func piece(_ d: Int, start: Int, length: Int, _ name: String, _ attributes: [String: Any]) -> Tensor {
    var s = shape
    s[d] = length
    var attributes = attributes
    attributes["dim"] = d
    attributes["start"] = start
    let offset = storageOffset + (length > 0 ? start * strides[d] : 0)
    return makeView(shape: s, strides: strides, offset: offset, name, attributes)
  }
}
