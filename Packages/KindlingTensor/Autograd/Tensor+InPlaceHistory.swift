extension Tensor {
  /// Runs an in-place op so that autograd sees it as PyTorch does.
  ///
  /// Without recording (grad mode off, or nothing involved requires a gradient) `inPlace` runs
  /// as is. With recording, the op runs out of place on a copy of this tensor's old value that
  /// stands in for it in the graph (`outOfPlace` gets it and records its node), the values are
  /// written into this tensor, and this tensor takes over the node: it becomes the op's output
  /// in the graph, and its version moves on, so graphs that saved the old value notice. A leaf
  /// that requires a gradient cannot be changed in place while grad mode is on, nor can a view
  /// of one.
  ///
  /// When this tensor is a view, its base takes the write into its history too, as PyTorch's
  /// `CopySlices` node: the base's gradient reaches the op through the viewed elements and the
  /// base's old value through the others, and this view's node becomes a view of the base's new
  /// history (`AsStridedBackward0`). Other views of the same base taken before the write keep
  /// their old nodes.
  func rebasingHistory(
    _ op: String, _ other: Tensor? = nil, outOfPlace: (Tensor) -> Tensor, inPlace: () -> Tensor
  ) -> Tensor {
    checkInPlaceAllowed(op: op)
    guard GradMode.isEnabled, requiresGrad || (other?.requiresGrad ?? false) || (base?.requiresGrad ?? false)
    else { return inPlace() }
    let before = GradMode.with(enabled: false) { clone() }
    before.gradFn = gradFn
    let result = outOfPlace(before)
    precondition(
      result.shape == shape,
      "\(op): output with shape \(shape) doesn't match the broadcast shape \(result.shape)")
    GradMode.with(enabled: false) { _ = assign(result) }
    gradFn = result.gradFn
    if let base, result.gradFn != nil { recordWrite(of: result, into: base) }
    return self
  }

  /// Makes `base` (this view's base) take the write of `written` through this view into its
  /// history (`CopySlices`), and this view a view of that new history (`AsStridedBackward0`).
  /// Both nodes carry `viewIndex`: for each element of this view, the flat (row-major) index of
  /// the base element it shares storage with.
  private func recordWrite(of written: Tensor, into base: Tensor) {
    let viewIndex = positions(in: base)
    let oldBase = base.detach()
    oldBase.gradFn = base.gradFn
    base.gradFn = GraphNode(
      name: "CopySlices", inputs: [oldBase, written], output: base, attributes: ["viewIndex": viewIndex])
    gradFn = GraphNode(name: "AsStridedBackward0", inputs: [base], output: self, attributes: ["viewIndex": viewIndex])
  }

  /// For each element of this view, the row-major index in `base` of the element at the same
  /// storage position (int64, this view's shape).
  private func positions(in base: Tensor) -> Tensor {
    let mine = Shape.storagePositions(shape: shape, strides: strides, offset: storageOffset)
    if base.isContiguous {
      return Tensor(scalars: mine.map { Int64($0 - base.storageOffset) }, shape: shape)
    }
    let theirs = Shape.storagePositions(shape: base.shape, strides: base.strides, offset: base.storageOffset)
    var indexAt: [Int: Int64] = [:]
    for (i, position) in theirs.enumerated() where indexAt[position] == nil { indexAt[position] = Int64(i) }
    return Tensor(scalars: mine.map { indexAt[$0]! }, shape: shape)
  }
}
