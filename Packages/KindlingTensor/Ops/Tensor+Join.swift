import KindlingStorage

// cat and stack: tensors joined along a dimension into a new tensor.

extension Tensor {
  /// The tensors joined along `dim` (`torch.cat`). Every size but `dim`'s must match; the
  /// result's dtype is the tensors' promoted type. One-dimensional empty tensors are skipped,
  /// as in PyTorch.
  ///
  /// ```swift
  /// let a = Tensor([[1, 2], [3, 4]])
  /// Tensor.cat([a, a + 4], dim: 1)   // tensor([[1, 2, 5, 6], [3, 4, 7, 8]])
  /// ```
  public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "torch.cat(): expected a non-empty list of Tensors")
    checkSameDevice(tensors, op: "cat")
    for (i, t) in tensors.enumerated() {
      precondition(t.rank > 0, "zero-dimensional tensor (at position \(i)) cannot be concatenated")
    }
    let dtype = DType.resultType(of: tensors.map { .tensor($0.dtype) })
    let parts = tensors.filter { !($0.rank == 1 && $0.shape[0] == 0) }
    guard let first = parts.first else {
      return record(Tensor(uninitializedShape: [0], dtype: dtype, device: tensors[0].device), "CatBackward0", tensors, ["dim": dim])
    }
    let d = first.normalizedDim(dim, op: "cat")
    var shape = first.shape
    shape[d] = 0
    for (i, t) in tensors.enumerated() where !(t.rank == 1 && t.shape[0] == 0) {
      precondition(t.rank == first.rank, "Tensors must have same number of dimensions: got \(first.rank) and \(t.rank)")
      for k in 0..<t.rank where k != d {
        precondition(
          t.shape[k] == first.shape[k],
          "Sizes of tensors must match except in dimension \(d). Expected size \(first.shape[k]) but got size "
            + "\(t.shape[k]) for tensor number \(i) in the list.")
      }
      shape[d] += t.shape[d]
    }
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: first.device)
    var start = 0
    for t in parts {
      var s = out.shape
      s[d] = t.shape[d]
      out.rawView(shape: s, strides: out.strides, offset: start * out.strides[d]).assign(t.detach())
      start += t.shape[d]
    }
    return record(out, "CatBackward0", tensors, ["dim": d, "sizes": tensors.map { $0.rank == 0 ? 0 : $0.shape[Swift.min(d, $0.rank - 1)] }])
  }

  /// The tensors, all of one shape, stacked along a new dimension `dim` (`torch.stack`).
  ///
  /// ```swift
  /// let a = Tensor([1, 2])
  /// Tensor.stack([a, a * 10])   // tensor([[ 1,  2], [10, 20]])
  /// ```
  public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack expects a non-empty TensorList")
    checkSameDevice(tensors, op: "stack")
    let first = tensors[0]
    for (i, t) in tensors.enumerated() {
      precondition(
        t.shape == first.shape,
        "stack expects each tensor to be equal size, but got \(first.shape) at entry 0 and \(t.shape) at entry \(i)")
    }
    let d = first.normalizedDim(dim, op: "stack", rank: first.rank + 1)
    let dtype = DType.resultType(of: tensors.map { .tensor($0.dtype) })
    var shape = first.shape
    shape.insert(tensors.count, at: d)
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: first.device)
    var itemShape = shape, itemStrides = out.strides
    itemShape.remove(at: d)
    itemStrides.remove(at: d)
    for (i, t) in tensors.enumerated() {
      out.rawView(shape: itemShape, strides: itemStrides, offset: i * out.strides[d]).assign(t.detach())
    }
    return record(out, "StackBackward0", tensors, ["dim": d])
  }

  /// ``stack(_:dim:)`` along dimension 0 (`vstack` for rank ≥ 2 inputs is ``cat(_:dim:)``).
  public static func hstack(_ tensors: [Tensor]) -> Tensor {
    cat(tensors, dim: tensors[0].rank == 1 ? 0 : 1)
  }
}
