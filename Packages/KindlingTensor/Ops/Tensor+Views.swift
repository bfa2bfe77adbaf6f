import KindlingStorage

// Views: new shapes and strides over the same storage. Writing through a view changes the
// tensors that share its storage.

extension Tensor {
  /// A view of the same storage with another layout; the autograd node is named `name`.
  func makeView(
    shape: [Int], strides: [Int], offset: Int? = nil, _ name: String,
    _ attributes: @autoclosure () -> [String: Any] = [:]
  ) -> Tensor {
    let view = Tensor(
      storage: storage, shape: shape, strides: strides, storageOffset: offset ?? storageOffset, dtype: dtype,
      wrapped: isWrappedNumber)
    view.base = base ?? self
    return record(view, name, self, attributes())
  }

  /// Resolves one `-1` in `shape` from the element count; stops with PyTorch's message.
  func inferShape(_ shape: [Int], op: String) -> [Int] {
    var result = shape
    let known = shape.filter { $0 != -1 }.reduce(1, *)
    let unknown = shape.indices.filter { shape[$0] == -1 }
    precondition(unknown.count <= 1, "\(op): only one dimension can be inferred")
    precondition(shape.allSatisfy { $0 >= -1 }, "\(op): invalid shape dimension in \(shape)")
    if let i = unknown.first {
      precondition(
        known != 0 && count % known == 0, "\(op): shape '\(shapeText(shape))' is invalid for input of size \(count)")
      result[i] = count / known
    }
    precondition(
      result.reduce(1, *) == count, "\(op): shape '\(shapeText(shape))' is invalid for input of size \(count)")
    return result
  }

  private func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

  /// Strides that let `shape` view this tensor's elements without copying, or `nil`
  /// (PyTorch's `computeStride`).
  func viewStrides(for newShape: [Int]) -> [Int]? {
    if count == 0 || shape.isEmpty || newShape.isEmpty { return Shape.contiguousStrides(newShape) }
    var newStrides = [Int](repeating: 0, count: newShape.count)
    var viewDim = newShape.count - 1
    var chunkBase = strides[rank - 1]
    var tensorElements = 1
    var viewElements = 1
    for d in stride(from: rank - 1, through: 0, by: -1) {
      tensorElements *= shape[d]
      if d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorElements * chunkBase) {
        while viewDim >= 0 && (viewElements < tensorElements || newShape[viewDim] == 1) {
          newStrides[viewDim] = viewElements * chunkBase
          viewElements *= newShape[viewDim]
          viewDim -= 1
        }
        if viewElements != tensorElements { return nil }
        if d > 0 {
          chunkBase = strides[d - 1]
          tensorElements = 1
          viewElements = 1
        }
      }
    }
    return viewDim == -1 ? newStrides : nil
  }

  /// The same elements with another shape, sharing storage (`view`). One size may be `-1`.
  ///
  /// ```swift
  /// Tensor.arange(8).view(2, 4)
  /// ```
  /// - Precondition: the strides allow it; otherwise use ``reshape(_:)``.
  public func view(_ shape: Int...) -> Tensor { view(shape) }

  /// ``view(_:)-swift.method`` with the shape as an array.
  public func view(_ shape: [Int]) -> Tensor {
    let newShape = inferShape(shape, op: "view")
    guard let newStrides = viewStrides(for: newShape) else {
      preconditionFailure(
        "view size is not compatible with input tensor's size and stride (at least one dimension spans across two "
          + "contiguous subspaces). Use .reshape(...) instead.")
    }
    return makeView(shape: newShape, strides: newStrides, "ViewBackward0", ["shape": self.shape])
  }

  /// The same elements with another shape: a view when the strides allow, else a copy
  /// (`reshape`).
  public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

  /// ``reshape(_:)-swift.method`` with the shape as an array.
  public func reshape(_ shape: [Int]) -> Tensor {
    let newShape = inferShape(shape, op: "reshape")
    if let newStrides = viewStrides(for: newShape) {
      return makeView(shape: newShape, strides: newStrides, "ViewBackward0", ["shape": self.shape])
    }
    return clone().view(newShape)
  }

  /// Dimensions `startDim ... endDim` merged into one (`flatten`).
  public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
    if rank == 0 { return reshape([1]) }
    let s = normalizedDim(startDim, op: "flatten")
    let e = normalizedDim(endDim, op: "flatten")
    precondition(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
    let merged = shape[s...e].reduce(1, *)
    return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
  }

  /// Dimension `dim` split into `sizes` (`unflatten`).
  public func unflatten(dim: Int, sizes: [Int]) -> Tensor {
    let d = normalizedDim(dim, op: "unflatten")
    var full = shape
    full.replaceSubrange(d...d, with: sizes)
    let known = sizes.filter { $0 != -1 }.reduce(1, *)
    if let i = sizes.firstIndex(of: -1) { full[d + i] = shape[d] / Swift.max(known, 1) }
    precondition(
      full[d..<(d + sizes.count)].reduce(1, *) == shape[d],
      "unflatten: Provided sizes \(sizes) don't multiply up to the size of dim \(dim) (\(shape[d])) in the input tensor")
    return view(full)
  }

  /// Dimensions reordered (`permute`): `dims[i]` is the old dimension that becomes dimension i.
  public func permute(_ dims: Int...) -> Tensor { permute(dims) }

  /// ``permute(_:)-swift.method`` with the order as an array.
  public func permute(_ dims: [Int]) -> Tensor {
    precondition(
      dims.count == rank,
      "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
        + "ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
    let order = dims.map { normalizedDim($0, op: "permute") }
    precondition(Set(order).count == rank, "permute(): duplicate dims are not allowed.")
    return makeView(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, "PermuteBackward0", ["dims": order])
  }

  /// Dimensions `dim0` and `dim1` swapped (`transpose`).
  public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
    let a = normalizedDim(dim0, op: "transpose")
    let b = normalizedDim(dim1, op: "transpose")
    var newShape = shape
    var newStrides = strides
    newShape.swapAt(a, b)
    newStrides.swapAt(a, b)
    return makeView(shape: newShape, strides: newStrides, "TransposeBackward0", ["dims": [a, b]])
  }

  /// The transpose of a matrix (`t()`); vectors and scalars come back as they are.
  public func t() -> Tensor {
    precondition(rank <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
    return makeView(shape: shape.reversed(), strides: strides.reversed(), "TBackward0")
  }

  /// The transpose of the last two dimensions (`mT`).
  public var mT: Tensor { transpose(-2, -1) }

  /// Size-1 dimensions repeated to `shape` without copying (`expand`); `-1` keeps a size.
  ///
  /// ```swift
  /// Tensor([[[1, 2]], [[3, 4]]]).expand(2, 3, 2)
  /// ```
  public func expand(_ shape: Int...) -> Tensor { expand(shape, op: "expand") }

  /// ``expand(_:)-swift.method`` with the shape as an array.
  public func expand(_ shape: [Int], op: String = "expand") -> Tensor {
    if shape == self.shape { return self }
    precondition(
      shape.count >= rank,
      "\(op): the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))"
    )
    let lead = shape.count - rank
    var newShape = shape
    var newStrides = [Int](repeating: 0, count: shape.count)
    for i in shape.indices {
      if i < lead {
        precondition(shape[i] >= 0, "\(op): the expanded size \(shape[i]) is not allowed in a leading, non-existing dimension \(i)")
        continue
      }
      let own = self.shape[i - lead]
      if shape[i] == -1 { newShape[i] = own }
      precondition(
        own == newShape[i] || own == 1,
        "\(op): The expanded size of the tensor (\(newShape[i])) must match the existing size (\(own)) at non-singleton "
          + "dimension \(i).  Target sizes: \(shape).  Tensor sizes: \(self.shape)")
      newStrides[i] = own == newShape[i] ? strides[i - lead] : 0
    }
    return makeView(shape: newShape, strides: newStrides, "ExpandBackward0", ["shape": self.shape])
  }

  /// ``expand(_:)-swift.method`` to `other`'s shape (`expand_as`).
  public func expandAs(_ other: Tensor) -> Tensor { expand(other.shape) }

  /// Every size-1 dimension removed (`squeeze()`).
  public func squeeze() -> Tensor {
    let keep = shape.indices.filter { shape[$0] != 1 }
    return makeView(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, "SqueezeBackward0", ["shape": shape])
  }

  /// Dimension `dim` removed if its size is 1 (`squeeze(dim)`).
  public func squeeze(_ dim: Int) -> Tensor {
    if rank == 0 { return self }
    let d = normalizedDim(dim, op: "squeeze")
    guard shape[d] == 1 else { return self }
    var s = shape, st = strides
    s.remove(at: d)
    st.remove(at: d)
    return makeView(shape: s, strides: st, "SqueezeBackward1", ["shape": shape])
  }

  /// A size-1 dimension inserted at `dim` (`unsqueeze`); `dim` may be `rank` or negative.
  public func unsqueeze(_ dim: Int) -> Tensor {
    let d = normalizedDim(dim, op: "unsqueeze", rank: rank + 1)
    var s = shape, st = strides
    s.insert(1, at: d)
    st.insert(d < rank ? shape[d] * strides[d] : 1, at: d)
    return makeView(shape: s, strides: st, "UnsqueezeBackward0", ["dim": d])
  }

  /// `length` elements of dimension `dim` from `start` (`narrow`).
  public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
    let d = normalizedDim(dim, op: "narrow")
    let begin = start < 0 ? start + shape[d] : start
    precondition(begin >= 0 && begin <= shape[d], "narrow(): start (\(start)) is out of bounds for dimension \(d) of size \(shape[d])")
    precondition(
      length >= 0 && begin + length <= shape[d],
      "narrow(): start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])).")
    return slice(dim: d, start: begin, end: begin + length, step: 1)
  }

  /// Elements `start, start + step, …` before `end` along `d`, as a view. Bounds are clamped.
  func slice(dim d: Int, start: Int, end: Int, step: Int) -> Tensor {
    precondition(step > 0, "slice step must be positive")
    let size = shape[d]
    let lo = Swift.min(Swift.max(start < 0 ? start + size : start, 0), size)
    let hi = Swift.min(Swift.max(end < 0 ? end + size : end, lo), size)
    var s = shape, st = strides
    s[d] = (hi - lo + step - 1) / step
    st[d] = strides[d] * step
    return makeView(
      shape: s, strides: st, offset: storageOffset + lo * strides[d], "SliceBackward0",
      ["dim": d, "start": lo, "step": step, "shape": shape])
  }

  /// Element `index` of dimension `dim`, removing the dimension (`select`).
  public func select(dim: Int, index: Int) -> Tensor {
    let d = normalizedDim(dim, op: "select")
    let size = shape[d]
    precondition(
      index >= -size && index < size,
      "index \(index) is out of bounds for dimension \(d) with size \(size)")
    let i = index < 0 ? index + size : index
    var s = shape, st = strides
    s.remove(at: d)
    st.remove(at: d)
    return makeView(
      shape: s, strides: st, offset: storageOffset + i * strides[d], "SelectBackward0",
      ["dim": d, "index": i, "shape": shape])
  }

  /// The diagonal of dimensions `dim1` and `dim2`, shifted by `offset`, as a view (`diagonal`).
  public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) -> Tensor {
    let a = normalizedDim(dim1, op: "diagonal")
    let b = normalizedDim(dim2, op: "diagonal")
    precondition(a != b, "diagonal dimensions cannot be identical \(dim1), \(dim2)")
    let length = Swift.max(
      0, offset >= 0 ? Swift.min(shape[a], shape[b] - offset) : Swift.min(shape[a] + offset, shape[b]))
    var start = storageOffset
    if length > 0 { start += offset >= 0 ? offset * strides[b] : -offset * strides[a] }
    var s: [Int] = [], st: [Int] = []
    for d in shape.indices where d != a && d != b {
      s.append(shape[d])
      st.append(strides[d])
    }
    s.append(length)
    st.append(strides[a] + strides[b])
    return makeView(shape: s, strides: st, offset: start, "DiagonalBackward0", ["offset": offset, "dims": [a, b], "shape": shape])
  }

  /// A tensor that shares storage but is cut from the graph (`detach()`).
  public func detach() -> Tensor {
    Tensor(
      storage: storage, shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype,
      wrapped: isWrappedNumber)
  }

  /// This tensor's values without autograd history (`.data`): shares storage.
  public var data: Tensor { detach() }
}
