import CKindlingVector
import KindlingStorage

// Picking and placing elements by index: index_select, gather, take, scatter, scatter_add,
// index_add, masked_select and nonzero.

extension Tensor {
  /// The slices of `dim` that `index` (a vector of int64 or int32) names, in its order
  /// (`index_select`).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4], [5, 6]]).indexSelect(dim: 0, index: Tensor([2, 0]))   // tensor([[5, 6], [1, 2]])
  /// ```
  public func indexSelect(dim: Int, index: Tensor) -> Tensor {
    Tensor.checkSameDevice(self, index, op: "index_select")
    precondition(index.rank <= 1, "index_select(): Index is supposed to be a vector")
    let idx = index.int64Index(op: "index_select", message: "index_select(): Expected dtype int32 or int64 for index")
    let source = rank == 0 ? rawView(shape: [1], strides: [1]) : self
    let d = source.normalizedDim(dim, op: "index_select")
    var shape = source.shape
    shape[d] = idx.count
    let out = Tensor(uninitializedShape: rank == 0 ? idx.shape : shape, dtype: dtype, device: device)
    if d == 0, source.isContiguous, device == .cpu, idx.rank == 1 {
      copyRows(of: source, at: idx, into: out)
      return record(out, "IndexSelectBackward0", self, ["dim": d, "index": idx])
    }
    let flatOut = out.rawView(shape: shape, strides: Shape.contiguousStrides(shape))
    var sourceStrides = source.strides
    sourceStrides[d] = 0
    var indexStrides = [Int](repeating: 0, count: shape.count)
    indexStrides[d] = idx.rank == 0 ? 0 : idx.strides[0]
    dtype.dispatchBits(
      GatherKernel(
        out: flatOut, source: source.rawView(shape: shape, strides: sourceStrides),
        index: idx.rawView(shape: shape, strides: indexStrides), dimStride: source.strides[d],
        dimSize: source.shape[d], wrapsNegative: false, failure: { _ in "index out of range in self" }))
    return record(out, "IndexSelectBackward0", self, ["dim": d, "index": idx])
  }

  /// `indexSelect(dim: 0, …)` of a contiguous tensor: whole rows, one `memcpy` each (the batch
  /// gather of a training loop).
  private func copyRows(of source: Tensor, at index: Tensor, into out: Tensor) {
    let rows = source.shape[0]
    let rowBytes = (rows == 0 ? 0 : source.count / rows) * dtype.itemSize
    let from = source.storage.data + source.storageOffset * dtype.itemSize
    let to = out.storage.data + out.storageOffset * dtype.itemSize
    let picks = index.scalars(as: Int64.self)
    for row in picks { precondition(row >= 0 && row < rows, "index out of range in self") }
    // Rows scattered over a large tensor are DRAM-latency bound: two cores fetch twice the rows.
    let threads = Swift.min(Parallel.coreCount, picks.count * rowBytes / (64 * 1024))
    let shared = UncheckedSendable(value: (from, to))
    Parallel.ranges(picks.count, threads: Swift.max(1, threads)) { range in
      let (from, to) = shared.value
      picks.withUnsafeBufferPointer { picks in
        kindling_gather_rows(
          from.assumingMemoryBound(to: CChar.self), picks.baseAddress! + range.lowerBound, range.count, rowBytes,
          (to + range.lowerBound * rowBytes).assumingMemoryBound(to: CChar.self))
      }
    }
  }

  /// `out[i][j][k] = self[index[i][j][k]][j][k]` for `dim` 0, and so on (`gather`): the result
  /// has `index`'s shape.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).gather(dim: 1, index: Tensor([[0, 0], [1, 0]]))   // tensor([[1, 1], [4, 3]])
  /// ```
  public func gather(dim: Int, index: Tensor) -> Tensor {
    Tensor.checkSameDevice(self, index, op: "gather")
    let idx = index.int64Index(op: "gather")
    let d = normalizedDim(dim, op: "gather")
    let selfRank = Swift.max(rank, 1)
    precondition(
      Swift.max(idx.rank, 1) == selfRank, "Index tensor must have the same number of dimensions as input tensor")
    let shape = idx.rank == 0 ? [1] : idx.shape
    let selfShape = rank == 0 ? [1] : self.shape
    let selfStrides = rank == 0 ? [1] : strides
    for k in 0..<shape.count where k != d {
      precondition(
        shape[k] <= selfShape[k],
        "Size does not match at dimension \(k) expected index \(idx.shape) to be no larger than self \(self.shape) "
          + "apart from dimension \(d)")
    }
    let out = Tensor(uninitializedShape: idx.shape, dtype: dtype, device: device)
    var sourceStrides = selfStrides
    sourceStrides[d] = 0
    dtype.dispatchBits(
      GatherKernel(
        out: out.rawView(shape: shape, strides: Shape.contiguousStrides(shape)),
        source: rawView(shape: shape, strides: sourceStrides),
        index: idx.rawView(shape: shape, strides: idx.rank == 0 ? [0] : idx.strides),
        dimStride: selfStrides[d], dimSize: selfShape[d], wrapsNegative: false,
        failure: { "index \($0) is out of bounds for dimension \(d) with size \(selfShape[d])" }))
    return record(out, "GatherBackward0", self, ["dim": d, "index": idx])
  }

  /// The elements at `index`'s flat (row-major) positions, in `index`'s shape (`take`);
  /// negative positions count from the end.
  ///
  /// ```swift
  /// Tensor([[4, 3], [5, 7]]).take(Tensor([0, -1]))   // tensor([4, 7])
  /// ```
  public func take(_ index: Tensor) -> Tensor {
    Tensor.checkSameDevice(self, index, op: "take")
    precondition(index.dtype == .int64, "take(): Expected a long tensor for index, but got \(index.dtype)")
    let flat = detach().contiguous()
    let shape = index.rank == 0 ? [1] : index.shape
    let out = Tensor(uninitializedShape: index.shape, dtype: dtype, device: device)
    let n = count
    dtype.dispatchBits(
      GatherKernel(
        out: out.rawView(shape: shape, strides: Shape.contiguousStrides(shape)),
        source: flat.rawView(shape: shape, strides: [Int](repeating: 0, count: shape.count)),
        index: index.rawView(shape: shape, strides: index.rank == 0 ? [0] : index.strides), dimStride: 1, dimSize: n,
        wrapsNegative: true,
        failure: { "out of range: tried to access index \($0) on a tensor of \(n) elements." }))
    return record(out, "TakeBackward0", self, ["index": index])
  }

  /// A copy with `src[i][j]` written to row `index[i][j]` of column j (for `dim` 0), and so
  /// on (`scatter`); `index` may be smaller than `src` and `self`.
  ///
  /// ```swift
  /// Tensor.zeros([2, 3]).scatter(dim: 0, index: Tensor([[1, 0, 1]]), src: Tensor([[1.0, 2, 3]]))
  /// // tensor([[0., 2., 0.], [1., 0., 3.]])
  /// ```
  public func scatter(dim: Int, index: Tensor, src: Tensor) -> Tensor {
    precondition(src.dtype == dtype, "scatter(): Expected self.dtype to be equal to src.dtype")
    let out = scattered(dim: dim, index: index, src: src, mode: .assign, op: "scatter")
    return record(out.1, "ScatterBackward0", self, src, ["dim": out.0, "index": out.2])
  }

  /// ``scatter(dim:index:src:)`` with one value everywhere (`scatter(dim, index, value)`).
  public func scatter(dim: Int, index: Tensor, value: Double) -> Tensor {
    let source = Tensor.full([], value, dtype: dtype, device: device).expand(index.shape)
    let out = scattered(dim: dim, index: index, src: source, mode: .assign, op: "scatter")
    return record(out.1, "ScatterBackward1", self, ["dim": out.0, "index": out.2])
  }

  /// A copy with `src[i][j]` added to row `index[i][j]` of column j (for `dim` 0), and so on;
  /// repeated indices add up (`scatter_add`).
  ///
  /// ```swift
  /// Tensor.zeros([3]).scatterAdd(dim: 0, index: Tensor([0, 0, 2]), src: Tensor([1.0, 2, 3]))   // tensor([3., 0., 3.])
  /// ```
  public func scatterAdd(dim: Int, index: Tensor, src: Tensor) -> Tensor {
    precondition(src.dtype == dtype, "scatter_add(): Expected self.dtype to be equal to src.dtype")
    let out = scattered(dim: dim, index: index, src: src, mode: .add(alpha: 1), op: "scatter_add")
    return record(out.1, "ScatterAddBackward0", self, src, ["dim": out.0, "index": out.2])
  }

  /// A copy with `alpha * source`'s slice i added to slice `index[i]` of `dim` (`index_add`).
  ///
  /// ```swift
  /// Tensor.zeros([3, 2]).indexAdd(dim: 0, index: Tensor([2, 2]), source: Tensor.ones([2, 2]))
  /// // tensor([[0., 0.], [0., 0.], [2., 2.]])
  /// ```
  public func indexAdd(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) -> Tensor {
    Tensor.checkSameDevice(self, index, source, op: "index_add")
    precondition(index.rank <= 1, "index_add_(): Index is supposed to be a vector")
    precondition(
      source.dtype == dtype,
      "index_add_(): self (\(dtype.pytorchName)) and source (\(source.dtype.pytorchName)) must have the same scalar type"
    )
    let idx = index.int64Index(op: "index_add", message: "index_add_(): Expected dtype int32/int64 for index")
    let d = normalizedDim(dim, op: "index_add")
    var expected = shape
    expected[d] = idx.count
    precondition(
      source.shape == expected || (rank == 0 && source.count == idx.count),
      "index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: \(shape) at "
        + "dimension \(d) and source slice shape: \(source.shape) at dimension 0.")
    let out = detach().clone()
    var outStrides = out.strides
    if rank > 0 { outStrides[d] = 0 }
    var indexStrides = [Int](repeating: 0, count: expected.count)
    if rank > 0 { indexStrides[d] = idx.rank == 0 ? 0 : idx.strides[0] }
    dtype.dispatch(
      ScatterKernel(
        out: out.rawView(shape: expected, strides: outStrides),
        source: source.detach().rawView(shape: expected, strides: rank == 0 ? [] : source.strides),
        index: idx.rawView(shape: expected, strides: indexStrides), dimStride: rank == 0 ? 0 : out.strides[d],
        dimSize: rank == 0 ? 1 : shape[d], mode: .add(alpha: alpha), failure: { _ in "index out of range in self" }))
    return record(out, "IndexAddBackward0", self, source, ["dim": d, "index": idx, "alpha": alpha])
  }

  /// The shared body of the scatter ops: validation, a copy of `self` and the kernel. Returns
  /// the normalized dim, the result and the int64 index.
  private func scattered(dim: Int, index: Tensor, src: Tensor, mode: ScatterMode, op: String) -> (Int, Tensor, Tensor) {
    Tensor.checkSameDevice(self, index, src, op: op)
    let idx = index.int64Index(op: op)
    let d = normalizedDim(dim, op: op)
    let selfShape = rank == 0 ? [1] : shape
    let shape = idx.rank == 0 ? [1] : idx.shape
    precondition(
      shape.count == selfShape.count, "Index tensor must have the same number of dimensions as self tensor")
    let srcShape = src.rank == 0 ? [1] : src.shape
    for k in 0..<shape.count {
      precondition(
        (k == d || shape[k] <= selfShape[k]) && shape[k] <= srcShape[k],
        "Expected index \(idx.shape) to be no larger than self \(self.shape) apart from dimension \(d) and to be no "
          + "larger size than src \(src.shape)")
    }
    let out = detach().clone()
    var outStrides = rank == 0 ? [1] : out.strides
    let dimStride = outStrides[d]
    outStrides[d] = 0
    dtype.dispatch(
      ScatterKernel(
        out: out.rawView(shape: shape, strides: outStrides),
        source: src.detach().rawView(shape: shape, strides: src.rank == 0 ? [0] : src.strides),
        index: idx.rawView(shape: shape, strides: idx.rank == 0 ? [0] : idx.strides), dimStride: dimStride,
        dimSize: selfShape[d], mode: mode,
        failure: { "index \($0) is out of bounds for dimension \(d) with size \(selfShape[d])" }))
    return (d, out, idx)
  }

  /// The elements where `mask` (bool, broadcast with `self`) is true, as a vector
  /// (`masked_select`).
  ///
  /// ```swift
  /// let x = Tensor([[1, 2], [3, 4]])
  /// x.maskedSelect(x .> 2)   // tensor([3, 4])
  /// ```
  public func maskedSelect(_ mask: Tensor) -> Tensor {
    Tensor.checkSameDevice(self, mask, op: "masked_select")
    precondition(mask.dtype == .bool, "masked_select: expected BoolTensor for mask")
    let shape = Tensor.broadcastShape([self, mask], op: "masked_select")
    let values = detach().expand(shape, op: "masked_select")
    let flags = mask.expand(shape, op: "masked_select").scalars(as: Bool.self)
    let positions = flags.indices.filter { flags[$0] }.map(Int64.init)
    let index = Tensor(scalars: positions, shape: [positions.count])
    let out = values.contiguous().take(index)
    return record(out.detach(), "MaskedSelectBackward0", self, ["mask": mask])
  }

  /// The positions of the nonzero elements, one row of `rank` coordinates each, as int64
  /// (`nonzero`).
  ///
  /// ```swift
  /// Tensor([[0, 1], [2, 0]]).nonzero()   // tensor([[0, 1], [1, 0]])
  /// ```
  public func nonzero() -> Tensor {
    let flags = scalars(as: Bool.self)
    let contiguous = Shape.contiguousStrides(shape)
    var coordinates: [Int64] = []
    var rows = 0
    for (flat, on) in flags.enumerated() where on {
      rows += 1
      for d in 0..<rank { coordinates.append(Int64(flat / contiguous[d] % shape[d])) }
    }
    return Tensor(scalars: coordinates, shape: [rows, rank])
  }
}
