import KindlingStorage

// flip and roll: copies with the elements of some dimensions reordered.

extension Tensor {
  /// A copy with the order of `dims` reversed (`flip`).
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).flip(0)   // tensor([[3, 4], [1, 2]])
  /// ```
  public func flip(_ dims: Int...) -> Tensor { flip(dims) }

  /// ``flip(_:)-swift.method`` with the dimensions as an array.
  public func flip(_ dims: [Int]) -> Tensor {
    let normalized = dims.map { normalizedDim($0, op: "flip") }
    var seen = Set<Int>()
    for d in normalized {
      precondition(seen.insert(d).inserted, "dim \(d) appears multiple times in the list of dims")
    }
    var offset = storageOffset
    var s = strides
    for d in seen where shape[d] > 0 {
      offset += (shape[d] - 1) * strides[d]
      s[d] = -strides[d]
    }
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    if count > 0 { out.assign(rawView(shape: shape, strides: s, offset: offset)) }
    return record(out, "FlipBackward0", self, ["dims": normalized])
  }

  /// `fliplr`: ``flip(_:)-swift.method`` of dimension 1.
  public func fliplr() -> Tensor {
    precondition(rank >= 2, "Input must be >= 2-d.")
    return flip(1)
  }

  /// `flipud`: ``flip(_:)-swift.method`` of dimension 0.
  public func flipud() -> Tensor {
    precondition(rank >= 1, "Input must be >= 1-d.")
    return flip(0)
  }

  /// A copy with the elements shifted `shifts[i]` places along `dims[i]`, wrapping around
  /// (`roll`); with no dims the tensor is rolled as if flat.
  ///
  /// ```swift
  /// Tensor([1, 2, 3, 4]).roll(1)   // tensor([4, 1, 2, 3])
  /// ```
  public func roll(_ shifts: [Int], dims: [Int] = []) -> Tensor {
    if dims.isEmpty {
      precondition(shifts.count == 1, "roll: shifts and dimensions must align. shifts: \(shifts.count), dims:0")
      let flat = detach().contiguous().rawView(shape: [count], strides: [1])
      let out = flat.rolled(shifts[0], dim: 0).rawView(shape: shape, strides: Shape.contiguousStrides(shape))
      return record(out, "RollBackward0", self, ["shifts": shifts, "dims": dims])
    }
    precondition(
      shifts.count == dims.count, "roll: shifts and dimensions must align. shifts: \(shifts.count), dims:\(dims.count)")
    var out = detach()
    for (shift, dim) in zip(shifts, dims) { out = out.rolled(shift, dim: normalizedDim(dim, op: "roll")) }
    if out === self || out.storage === storage { out = out.clone() }
    return record(out.detach(), "RollBackward0", self, ["shifts": shifts, "dims": dims])
  }

  /// ``roll(_:dims:)`` by one shift along one dimension, or flat when `dim` is `nil`.
  public func roll(_ shift: Int, dim: Int? = nil) -> Tensor {
    roll([shift], dims: dim.map { [$0] } ?? [])
  }

  /// A new contiguous tensor rolled by `shift` along `d`; nothing recorded.
  private func rolled(_ shift: Int, dim d: Int) -> Tensor {
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    let n = shape[d]
    guard n > 0, count > 0 else { return out }
    let k = ((shift % n) + n) % n
    func part(_ t: Tensor, _ start: Int, _ length: Int) -> Tensor {
      var s = t.shape
      s[d] = length
      return t.rawView(shape: s, strides: t.strides, offset: t.storageOffset + start * t.strides[d])
    }
    part(out, k, n - k).assign(part(self, 0, n - k))
    if k > 0 { part(out, 0, k).assign(part(self, n - k, k)) }
    return out
  }
}
