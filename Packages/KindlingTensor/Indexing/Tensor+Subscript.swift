extension Tensor {
  /// Indexing and slicing as in PyTorch (see ``TensorIndex``). Integers, ranges, `.all`,
  /// `.ellipsis` and `.newAxis` give a view that shares storage; tensor indices copy.
  /// Assigning writes through, broadcasting the value:
  ///
  /// ```swift
  /// let t = Tensor([[1, 2, 3], [4, 5, 6]])
  /// print(t[.all, 0])   // tensor([1, 4])
  /// t[0] = 7            // t is now [[7, 7, 7], [4, 5, 6]]
  /// ```
  public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
    get { index(indices.map(\.tensorIndex)) }
    set { indexPut(indices.map(\.tensorIndex), newValue) }
  }

  /// The element or view that `indices` pick.
  public func index(_ indices: [TensorIndex]) -> Tensor {
    let (view, advanced) = basicIndex(indices)
    return advanced.isEmpty ? view : view.advancedIndex(advanced)
  }

  /// Writes `value` (broadcast) into what `indices` pick. Under autograd this tensor takes the
  /// write into its history (`IndexPutBackward0`): gradients reach `value` through the written
  /// elements and this tensor's old value through the others.
  public func indexPut(_ indices: [TensorIndex], _ value: Tensor) {
    guard GradMode.isEnabled, requiresGrad || value.requiresGrad else {
      writeIndexed(indices, value)
      return
    }
    _ = rebasingHistory(
      "index_put_", value,
      outOfPlace: { before in
        let out = GradMode.with(enabled: false) { before.clone() }
        GradMode.with(enabled: false) { out.writeIndexed(indices, value.detach()) }
        return record(out, "IndexPutBackward0", before, value, ["indices": indices])
      }, inPlace: { self })
  }

  /// The write itself, without autograd.
  func writeIndexed(_ indices: [TensorIndex], _ value: Tensor) {
    let (view, advanced) = basicIndex(indices)
    if advanced.isEmpty {
      view.assign(value)
    } else {
      view.advancedIndexPut(advanced, value)
    }
  }

  /// Applies the integer, slice, ellipsis and new-axis entries as a view; returns it with the
  /// tensor entries and the view dimensions they apply to.
  func basicIndex(_ indices: [TensorIndex]) -> (Tensor, [(dim: Int, index: Tensor)]) {
    let consumed = indices.reduce(0) { n, index in
      switch index {
      case .index, .slice: n + 1
      case .tensor(let t): n + (t.dtype == .bool ? Swift.max(t.rank, 1) : 1)
      case .remainingDimensions, .insertedAxis: n
      }
    }
    let ellipses = indices.filter { if case .remainingDimensions = $0 { true } else { false } }.count
    precondition(ellipses <= 1, "an index can only have a single ellipsis ('...')")
    precondition(
      consumed <= rank,
      "too many indices for tensor of dimension \(rank)")
    var result = self
    var dim = 0
    var advanced: [(dim: Int, index: Tensor)] = []
    for entry in indices {
      switch entry {
      case .index(let i):
        precondition(
          i >= -result.shape[dim] && i < result.shape[dim],
          "index \(i) is out of bounds for dimension \(dim) with size \(result.shape[dim])")
        result = result.select(dim: dim, index: i)
      case .slice(let start, let end, let step):
        precondition(step > 0, "step must be greater than zero")
        result = result.slice(dim: dim, start: start ?? 0, end: end ?? Int.max, step: step)
        dim += 1
      case .remainingDimensions:
        dim += rank - consumed
      case .insertedAxis:
        result = result.unsqueeze(dim)
        dim += 1
      case .tensor(let t):
        advanced.append((dim, t))
        dim += t.dtype == .bool ? Swift.max(t.rank, 1) : 1
      }
    }
    return (result, advanced)
  }
}
