import KindlingTensor

// Views (view, permute, transpose, expand, squeeze, slices, …) and shape ops (cat, stack,
// split, repeat, flip, roll, pad, tril/triu).
//
// The adjoint of a view that picks elements (slice, select, a split piece, a diagonal) puts the
// gradient back where the elements came from and zeros everywhere else. The rules build that
// with constant `pad` (which crops for negative amounts), so the result is recorded and its
// own gradient (a crop) exists too.

let shapeRules: [String: GradientRule] = [
  "ViewBackward0": { c in [c.grad.reshape(c.node.inputShape(0))] },
  "UnsafeViewBackward0": { c in [c.grad.reshape(c.node.inputShape(0))] },
  "PermuteBackward0": { c in
    let dims: [Int] = c.attribute("dims")
    var inverse = [Int](repeating: 0, count: dims.count)
    for (i, d) in dims.enumerated() { inverse[d] = i }
    return [c.grad.permute(inverse)]
  },
  "TransposeBackward0": { c in
    let dims: [Int] = c.attribute("dims")
    return [c.grad.transpose(dims[0], dims[1])]
  },
  "TBackward0": { c in [c.grad.t()] },
  // The engine sums the gradient over the expanded dimensions back to the input's shape.
  "ExpandBackward0": { c in [c.grad] },
  "SqueezeBackward0": { c in [c.grad.reshape(c.node.inputShape(0))] },
  "SqueezeBackward1": { c in [c.grad.reshape(c.node.inputShape(0))] },
  "SqueezeBackward4": { c in [c.grad.unsqueeze(c.attribute("dim", as: Int.self))] },
  "UnsqueezeBackward0": { c in [c.grad.squeeze(c.attribute("dim", as: Int.self))] },
  "SliceBackward0": { c in
    let d: Int = c.attribute("dim")
    let size = c.node.inputShape(0)[d]
    return [unslice(c.grad, dim: d, start: c.attribute("start"), step: c.attribute("step"), size: size)]
  },
  "SelectBackward0": { c in
    let d: Int = c.attribute("dim")
    return [unslice(c.grad.unsqueeze(d), dim: d, start: c.attribute("index"), size: c.node.inputShape(0)[d])]
  },
  // Every piece of split/chunk/unbind is its own node; the engine adds their gradients up in
  // the one input.
  "UnbindBackward0": { c in
    let d: Int = c.attribute("dim")
    return [unslice(c.grad.unsqueeze(d), dim: d, start: c.attribute("index"), size: c.node.inputShape(0)[d])]
  },
  "SplitBackward0": { c in
    let d: Int = c.attribute("dim")
    return [unslice(c.grad, dim: d, start: c.attribute("start"), size: c.node.inputShape(0)[d])]
  },
  "SplitWithSizesBackward0": { c in
    let d: Int = c.attribute("dim")
    return [unslice(c.grad, dim: d, start: c.attribute("start"), size: c.node.inputShape(0)[d])]
  },
  "DiagonalBackward0": { c in
    [undiagonal(c.grad, offset: c.attribute("offset"), dims: c.attribute("dims"), shape: c.node.inputShape(0))]
  },
  "CatBackward0": { c in
    let shapes = c.node.inputShapes
    // Skipped one-dimensional empty inputs (and an all-empty cat) get empty gradients.
    guard let sizes = c.optionalAttribute("sizes", as: [Int].self) else {
      return InlineList(
        shapes.indices.map { c.needs($0) ? Tensor.zeros(shapes[$0], dtype: c.grad.dtype, device: c.grad.device) : nil })
    }
    let d: Int = c.attribute("dim")
    var start = 0
    return InlineList(
      shapes.indices.map { i -> Tensor? in
        defer { start += sizes[i] }
        guard c.needs(i) else { return nil }
        if shapes[i] == [0] && c.grad.rank != 1 { return Tensor.zeros([0], dtype: c.grad.dtype, device: c.grad.device) }
        return c.grad.narrow(dim: d, start: start, length: sizes[i])
      })
  },
  "StackBackward0": { c in
    let d: Int = c.attribute("dim")
    return InlineList(c.node.inputShapes.indices.map { c.needs($0) ? c.grad.select(dim: d, index: $0) : nil })
  },
  "RepeatBackward0": { c in
    let repeats: [Int] = c.attribute("repeats")
    let shape = c.node.inputShape(0)
    guard !repeats.isEmpty else { return [c.grad] }
    // The gradient viewed as [r0, s0, r1, s1, …], summed over every repeat r.
    let sizes = [Int](repeating: 1, count: repeats.count - shape.count) + shape
    let split = zip(repeats, sizes).flatMap { [$0, $1] }
    let summed = c.grad.reshape(split).sum(dims: Array(stride(from: 0, to: split.count, by: 2)))
    return [summed.reshape(shape)]
  },
  "FlipBackward0": { c in [c.grad.flip(c.attribute("dims", as: [Int].self))] },
  "RollBackward0": { c in
    let shifts: [Int] = c.attribute("shifts")
    return [c.grad.roll(shifts.map { -$0 }, dims: c.attribute("dims"))]
  },
  "TrilBackward0": { c in [c.grad.tril(diagonal: c.attribute("diagonal"))] },
  "TriuBackward0": { c in [c.grad.triu(diagonal: c.attribute("diagonal"))] },
  // Padding with a constant is undone by cropping the same amounts, and cropping by padding.
  "ConstantPadNdBackward0": { c in [c.grad.pad(c.attribute("pad", as: [Int].self).map { -$0 })] },
  "ReflectionPad1DBackward0": { c in [unpad(c, .reflect)] },
  "ReflectionPad2DBackward0": { c in [unpad(c, .reflect)] },
  "ReflectionPad3DBackward0": { c in [unpad(c, .reflect)] },
  "ReplicationPad1DBackward0": { c in [unpad(c, .replicate)] },
  "ReplicationPad2DBackward0": { c in [unpad(c, .replicate)] },
  "ReplicationPad3DBackward0": { c in [unpad(c, .replicate)] },
  // An in-place op through a view, recorded in the base (`viewIndex`: the base's flat index of
  // each view element): the written elements' gradient goes to the op's result, the others' to
  // the base's old value. Circular padding (PyTorch builds it from slice copies, hence the name)
  // has no `viewIndex`.
  "CopySlices": { c in
    guard let viewIndex = c.optionalAttribute("viewIndex", as: Tensor.self) else { return [unpad(c, .circular)] }
    let flatIndex = onDevice(of: c.grad, viewIndex.reshape([-1]))
    var oldBase: Tensor?
    if c.needs(0) {
      let written = Tensor.zeros([c.grad.count], dtype: .bool, device: c.grad.device)
      noGrad { written.indexPut([.tensor(flatIndex)], Tensor(true)) }
      oldBase = c.grad.maskedFill(written.reshape(c.grad.shape), 0.0)
    }
    let result = c.needs(1) ? c.grad.reshape([-1]).indexSelect(dim: 0, index: flatIndex).reshape(viewIndex.shape) : nil
    return [oldBase, result]
  },
  // A view of a base rebuilt after an in-place write through it: the gradient goes back to the
  // base elements the view shares storage with.
  "AsStridedBackward0": { c in
    let viewIndex: Tensor = c.attribute("viewIndex")
    let shape = c.node.inputShape(0)
    let flat = Tensor.zeros([shape.reduce(1, *)], dtype: c.grad.dtype, device: c.grad.device)
    let index = onDevice(of: c.grad, viewIndex.reshape([-1]))
    return [flat.indexAdd(dim: 0, index: index, source: c.grad.reshape([-1])).reshape(shape)]
  },
  "CopyBackwards": { c in
    [
      c.needs(0) ? Tensor.zeros(c.node.inputShape(0), dtype: c.grad.dtype, device: c.grad.device) : nil,
      c.needs(1) ? c.grad : nil,
    ]
  },
]

/// `t` on `reference`'s device: index tensors a rule keeps (built on the CPU) meet the gradient
/// where it lives. A move that fails leaves `t`, and the op then names both devices.
func onDevice(of reference: Tensor, _ t: Tensor) -> Tensor {
  t.device == reference.device ? t : (try? t.to(reference.device)) ?? t
}

/// `t` padded along dimension `d` with `before` and `after` zeros (negative amounts crop).
private func padded(_ t: Tensor, dim d: Int, before: Int, after: Int) -> Tensor {
  if before == 0 && after == 0 { return t }
  var amounts = [Int](repeating: 0, count: 2 * (t.rank - d))
  amounts[2 * (t.rank - 1 - d)] = before
  amounts[2 * (t.rank - 1 - d) + 1] = after
  return t.pad(amounts)
}

/// The adjoint of `slice(dim: d, start:, step:)` of a dimension of `size`: `grad`'s elements
/// at `start, start + step, …`, zeros elsewhere.
private func unslice(_ grad: Tensor, dim d: Int, start: Int, step: Int = 1, size: Int) -> Tensor {
  var g = grad
  let length = g.shape[d]
  if step > 1 {
    // Each element followed by step - 1 zeros: [m] → [m, step] → [m * step].
    g = padded(g.unsqueeze(d + 1), dim: d + 1, before: 0, after: step - 1)
    var merged = grad.shape
    merged[d] = length * step
    g = g.reshape(merged)
  }
  return padded(g, dim: d, before: start, after: size - start - g.shape[d])
}

/// The adjoint of `diagonal(offset:dim1:dim2:)`: `grad`'s last dimension laid on that diagonal
/// of a zero tensor of `shape`.
private func undiagonal(_ grad: Tensor, offset: Int, dims: [Int], shape: [Int]) -> Tensor {
  let (rows, columns) = (shape[dims[0]], shape[dims[1]])
  let length = grad.shape[grad.rank - 1]
  let batch = Array(grad.shape.dropLast())
  // Element i of the diagonal sits at flat position first + i * (columns + 1) of the matrix:
  // each element followed by `columns` zeros, shifted by `first`, cut to rows × columns.
  let first = offset >= 0 ? offset : -offset * columns
  var g = padded(grad.unsqueeze(-1), dim: grad.rank, before: 0, after: columns)
  g = g.reshape(batch + [length * (columns + 1)])
  g = padded(g, dim: batch.count, before: first, after: rows * columns - first - length * (columns + 1))
  g = g.reshape(batch + [rows, columns])
  // g's dimensions are the others in order, then dims[0], dims[1]: move them back.
  let order = shape.indices.filter { !dims.contains($0) } + dims
  var inverse = [Int](repeating: 0, count: order.count)
  for (i, d) in order.enumerated() { inverse[d] = i }
  return g.permute(inverse)
}

/// The adjoint of reflection, replication and circular padding: the forward picks, along each
/// padded dimension, the input elements at `PadMode.sourcePositions(before:after:size:)`, so each
/// gradient element is added back to the element it came from.
private func unpad(_ c: GradientContext, _ mode: PadMode) -> Tensor {
  let pad: [Int] = c.attribute("pad")
  let shape = c.node.inputShape(0)
  var g = c.grad
  for i in (0..<(pad.count / 2)).reversed() {
    let d = shape.count - 1 - i
    let sources = mode.sourcePositions(before: pad[2 * i], after: pad[2 * i + 1], size: shape[d])
    var target = g.shape
    target[d] = shape[d]
    g = Tensor.zeros(target, dtype: g.dtype, device: g.device).indexAdd(
      dim: d, index: onDevice(of: g, Tensor(scalars: sources, shape: [sources.count])), source: g)
  }
  return g
}
