import KindlingStorage

// repeat, tile and repeat_interleave: copies that repeat a tensor's elements.

extension Tensor {
  /// The tensor repeated `repeats[i]` times along each dimension (`repeat`); extra leading
  /// counts add new dimensions.
  ///
  /// ```swift
  /// Tensor([1, 2]).repeat(2, 2)   // tensor([[1, 2, 1, 2], [1, 2, 1, 2]])
  /// ```
  public func `repeat`(_ repeats: Int...) -> Tensor { self.repeat(repeats) }

  /// ``repeat(_:)-swift.method`` with the counts as an array.
  public func `repeat`(_ repeats: [Int]) -> Tensor {
    precondition(
      repeats.count >= rank,
      "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    precondition(
      repeats.allSatisfy { $0 >= 0 }, "Trying to create tensor with negative dimension \(repeats.min()!): \(repeats)")
    let lead = repeats.count - rank
    let sizes = [Int](repeating: 1, count: lead) + shape
    let sourceStrides = [Int](repeating: 0, count: lead) + strides
    let outShape = zip(sizes, repeats).map { $0 * $1 }
    let out = Tensor(uninitializedShape: outShape, dtype: dtype, device: device)
    // out viewed as [r0, s0, r1, s1, …] receives the source broadcast along every r.
    var splitShape: [Int] = [], splitStrides: [Int] = [], sourceSplit: [Int] = []
    let outStrides = Shape.contiguousStrides(outShape)
    for i in repeats.indices {
      splitShape += [repeats[i], sizes[i]]
      splitStrides += [outStrides[i] * sizes[i], outStrides[i]]
      sourceSplit += [0, sourceStrides[i]]
    }
    if out.count > 0 {
      out.rawView(shape: splitShape, strides: splitStrides).assign(rawView(shape: splitShape, strides: sourceSplit))
    }
    return record(out, "RepeatBackward0", self, ["repeats": repeats])
  }

  /// The tensor repeated `reps[i]` times along each dimension (`tile`); with fewer counts than
  /// dimensions the leading dimensions repeat once.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).tile([2])   // tensor([[1, 2, 1, 2], [3, 4, 3, 4]])
  /// ```
  public func tile(_ reps: [Int]) -> Tensor {
    self.repeat([Int](repeating: 1, count: Swift.max(0, rank - reps.count)) + reps)
  }

  /// Each element (or each slice of `dim`) repeated `repeats` times in place
  /// (`repeat_interleave`); without `dim` the tensor is flattened first.
  ///
  /// ```swift
  /// Tensor([1, 2]).repeatInterleave(2)   // tensor([1, 1, 2, 2])
  /// ```
  public func repeatInterleave(_ repeats: Int, dim: Int? = nil) -> Tensor {
    precondition(repeats >= 0, "repeat_interleave: repeats can not be negative")
    let input = dim == nil ? flatten() : self
    if input.rank == 0 { return input.reshape([1]).repeatInterleave(repeats, dim: 0) }
    let d = input.normalizedDim(dim ?? 0, op: "repeat_interleave")
    var expanded = input.shape
    expanded.insert(repeats, at: d + 1)
    var result = input.shape
    result[d] *= repeats
    return input.unsqueeze(d + 1).expand(expanded).reshape(result)
  }

  /// Slice i of `dim` repeated `repeats[i]` times (`repeat_interleave` with a tensor of counts,
  /// int64, one per slice or one for all).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).repeatInterleave(Tensor([1, 2]), dim: 0)   // tensor([[1, 2], [3, 4], [3, 4]])
  /// ```
  public func repeatInterleave(_ repeats: Tensor, dim: Int? = nil) -> Tensor {
    precondition(repeats.rank <= 1, "repeat_interleave only accept 1D vector as repeat")
    precondition(
      repeats.dtype == .int64 || repeats.dtype == .int32, "repeats has to be Long or Int tensor")
    let input = dim == nil ? flatten() : self
    let d = input.normalizedDim(dim ?? 0, op: "repeat_interleave")
    var counts = repeats.scalars(as: Int64.self)
    if counts.count == 1 { counts = [Int64](repeating: counts[0], count: input.shape[d]) }
    precondition(
      counts.count == input.shape[d], "repeats must have the same size as input along dim, but got repeats.size(0) = "
        + "\(counts.count) and input.size(\(d)) = \(input.shape[d])")
    precondition(counts.allSatisfy { $0 >= 0 }, "repeats can not be negative")
    var positions: [Int64] = []
    for (i, c) in counts.enumerated() { positions += [Int64](repeating: Int64(i), count: Int(c)) }
    return input.indexSelect(dim: d, index: Tensor(scalars: positions, shape: [positions.count]))
  }
}
