import KindlingStorage

// Advanced indexing: integer tensors pick positions, boolean masks pick where they are true.
// PyTorch's rule for the result's shape: the index tensors broadcast together to shape B; if
// the dimensions they index are next to each other, B takes their place, otherwise B comes first.

extension Tensor {
  /// Gathers the elements that `entries` pick (a copy).
  func advancedIndex(_ entries: [(dim: Int, index: Tensor)]) -> Tensor {
    let plan = AdvancedIndexPlan(self, entries)
    if device != .cpu {
      let out = Tensor(uninitializedShape: plan.shape, dtype: dtype, device: device)
      DeviceRegistry.run(plan.storageGather(from: self, into: out), on: device)
      return record(out, "IndexBackward0", self, ["plan": plan])
    }
    let out = Tensor(uninitializedShape: plan.shape, dtype: dtype)
    let size = dtype.itemSize
    let source = storage.data
    let destination = out.storage.data
    for (i, offset) in plan.offsets.enumerated() {
      (destination + i * size).copyMemory(from: source + offset * size, byteCount: size)
    }
    return record(out, "IndexBackward0", self, ["plan": plan])
  }

  /// Writes `value`, broadcast to the picked shape, into the elements `entries` pick.
  func advancedIndexPut(_ entries: [(dim: Int, index: Tensor)], _ value: Tensor) {
    let plan = AdvancedIndexPlan(self, entries)
    let value = device == value.device ? value : Tensor.onOneDevice([self, value], op: "index_put_")[1]
    let source = value.to(dtype).expand(plan.shape, op: "index_put_").contiguous()
    if device != .cpu {
      let count = plan.offsets.count
      let work = DeviceWork.scatter(
        output: Tensor(storage: storage, shape: [count], strides: [0], storageOffset: 0, dtype: dtype),
        source: source, index: plan.storageOffsets(on: device),
        dimStride: 1, dimSize: storage.byteCount / dtype.itemSize, addAlpha: nil,
        failure: { "index_put_: storage offset \($0) is out of range" })
      return DeviceRegistry.run(work, on: device)
    }
    let size = dtype.itemSize
    for (i, offset) in plan.offsets.enumerated() {
      (storage.data + offset * size).copyMemory(from: source.storage.data + (source.storageOffset + i) * size, byteCount: size)
    }
  }
}

extension AdvancedIndexPlan {
  /// The storage offsets as an int64 tensor on `device`.
  func storageOffsets(on device: Device) -> Tensor {
    do {
      return try Tensor(scalars: offsets.map(Int64.init), shape: [offsets.count]).to(device)
    } catch {
      preconditionFailure("index: \(error)")
    }
  }

  /// The device gather of the picked elements of `source` into `out` (contiguous, `shape`): the
  /// elements are read straight from the storage at their offsets.
  func storageGather(from source: Tensor, into out: Tensor) -> DeviceWork {
    let count = offsets.count
    return .gather(
      output: out.view([count]),
      source: Tensor(storage: source.storage, shape: [count], strides: [0], storageOffset: 0, dtype: source.dtype),
      index: storageOffsets(on: source.device), dimStride: 1,
      dimSize: source.storage.byteCount / source.dtype.itemSize, wrapsNegative: false,
      failure: { "index: storage offset \($0) is out of range" })
  }
}

/// Where each element of an advanced-indexing result comes from, as storage offsets (and as
/// row-major positions in the source, for the gradient, `IndexBackward0`'s `"plan"`).
public struct AdvancedIndexPlan {
  /// The result's shape.
  public private(set) var shape: [Int] = []
  /// For each element of the result in row-major order, its offset in the source's storage.
  var offsets: [Int] = []
  /// For each element of the result in row-major order, its row-major position in the source:
  /// the gradient of indexing adds the result's gradient back at these positions.
  public private(set) var positions: [Int] = []

  init(_ source: Tensor, _ rawEntries: [(dim: Int, index: Tensor)]) {
    Tensor.checkSameDevice([source] + rawEntries.map(\.index), op: "index")
    // Boolean masks become one integer index per masked dimension.
    var entries: [(dim: Int, index: [Int64], shape: [Int])] = []
    for (dim, index) in rawEntries {
      if index.dtype == .bool || index.dtype == .uint8 {
        let mask = index.rank == 0 ? index.unsqueeze(0) : index
        let covered = Array(source.shape[dim..<min(source.rank, dim + mask.rank)])
        for (k, size) in mask.shape.enumerated() {
          precondition(
            k < covered.count && covered[k] == size,
            "The shape of the mask \(mask.shape) at index \(k) does not match the shape of the indexed tensor "
              + "\(source.shape) at index \(dim + k)")
        }
        let values = mask.scalars(as: Bool.self)
        let strides = Shape.contiguousStrides(mask.shape)
        var columns = [[Int64]](repeating: [], count: mask.rank)
        for (flat, on) in values.enumerated() where on {
          for k in 0..<mask.rank { columns[k].append(Int64(flat / strides[k] % mask.shape[k])) }
        }
        for k in 0..<mask.rank { entries.append((dim + k, columns[k], [columns[k].count])) }
      } else {
        precondition(
          !index.dtype.isFloatingPoint,
          "index: tensors used as indices must be long, int, byte or bool tensors, but got \(index.dtype)")
        entries.append((dim, index.scalars(as: Int64.self), index.shape))
      }
    }
    var broadcast: [Int] = entries[0].shape
    for e in entries.dropFirst() {
      do {
        broadcast = try Shape.broadcast(broadcast, e.shape)
      } catch {
        preconditionFailure("index: shape mismatch: indexing tensors could not be broadcast together with shapes "
          + entries.map { "\($0.shape)" }.joined(separator: ", "))
      }
    }
    let dims = entries.map(\.dim)
    let adjacent = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
    // The offset each broadcast index position adds.
    let count = broadcast.reduce(1, *)
    var picked = [Int](repeating: 0, count: count)
    var pickedPositions = [Int](repeating: 0, count: count)
    let sourceContiguous = Shape.contiguousStrides(source.shape)
    for e in entries {
      let size = source.shape[e.dim]
      let strides = Shape.broadcastStrides(shape: e.shape, strides: Shape.contiguousStrides(e.shape), to: broadcast)
      let contiguous = Shape.contiguousStrides(broadcast)
      for p in 0..<count {
        var flat = 0
        for d in broadcast.indices { flat += (p / contiguous[d] % broadcast[d]) * strides[d] }
        var i = Int(e.index[flat])
        precondition(i >= -size && i < size, "index \(i) is out of bounds for dimension \(e.dim) with size \(size)")
        if i < 0 { i += size }
        picked[p] += i * source.strides[e.dim]
        pickedPositions[p] += i * sourceContiguous[e.dim]
      }
    }
    // The dimensions no index names, before and after the indexed block.
    let rest = source.shape.indices.filter { !dims.contains($0) }
    let before = adjacent ? rest.filter { $0 < dims[0] } : []
    let after = adjacent ? rest.filter { $0 > dims[0] } : rest
    shape = before.map { source.shape[$0] } + broadcast + after.map { source.shape[$0] }
    let beforeOffsets = Self.offsets(before.map { source.shape[$0] }, before.map { source.strides[$0] })
    let afterOffsets = Self.offsets(after.map { source.shape[$0] }, after.map { source.strides[$0] })
    offsets.reserveCapacity(beforeOffsets.count * count * afterOffsets.count)
    for b in beforeOffsets {
      for p in picked {
        for a in afterOffsets { offsets.append(source.storageOffset + b + p + a) }
      }
    }
    let beforePositions = Self.offsets(before.map { source.shape[$0] }, before.map { sourceContiguous[$0] })
    let afterPositions = Self.offsets(after.map { source.shape[$0] }, after.map { sourceContiguous[$0] })
    positions.reserveCapacity(offsets.count)
    for b in beforePositions {
      for p in pickedPositions {
        for a in afterPositions { positions.append(b + p + a) }
      }
    }
  }

  /// The offsets of every position of `shape` with `strides`, in row-major order.
  static func offsets(_ shape: [Int], _ strides: [Int]) -> [Int] {
    var result = [0]
    for (size, stride) in zip(shape, strides) {
      result = result.flatMap { base in (0..<size).map { base + $0 * stride } }
    }
    return result
  }
}
