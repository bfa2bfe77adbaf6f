import KindlingTensor

// Advanced indexing, gather/scatter, index_select/index_add, take, masked_select.
//
// Picking elements is linear: its gradient adds the output's gradient back, into zeros, at the
// positions that were picked (repeated positions accumulate). Placing elements (scatter,
// index_add) passes the gradient through, and the placed values get the gradient gathered back
// from where they went. Every rule is written with recorded ops (index_add, scatter_add,
// gather, index_select), so gradients of gradients work.

let indexingRules: [String: GradientRule] = [
  // Subscript assignment: the written elements' gradient goes to the value (summed back over
  // broadcasting by the engine), the others' to the tensor's old value.
  "IndexPutBackward0": { c in
    let indices: [TensorIndex] = c.attribute("indices")
    var oldValue: Tensor?
    if c.needs(0) {
      let written = Tensor.zeros(c.node.inputShape(0), dtype: .bool, device: c.grad.device)
      noGrad { written.indexPut(indices, Tensor(true)) }
      oldValue = c.grad.maskedFill(written, 0.0)
    }
    return [oldValue, c.needs(1) ? c.grad.index(indices) : nil]
  },
  // index_select: zeros(self).index_add_(dim, index, grad).
  "IndexSelectBackward0": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    let shape = c.node.inputShape(0)
    if shape.isEmpty { return [addedAt(index, c.grad, count: 1).reshape([])] }
    return [
      Tensor.zeros(shape, dtype: c.grad.dtype, device: c.grad.device).indexAdd(
        dim: dim, index: onDevice(of: c.grad, index), source: c.grad)
    ]
  },
  // gather: zeros(self).scatter_add_(dim, index, grad).
  "GatherBackward0": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    return [
      Tensor.zeros(c.node.inputShape(0), dtype: c.grad.dtype, device: c.grad.device).scatterAdd(
        dim: dim, index: onDevice(of: c.grad, index), src: c.grad)
    ]
  },
  // take: zeros(self).put_(index, grad, accumulate: true); negative positions count from the end.
  "TakeBackward0": { c in
    let index: Tensor = c.attribute("index")
    let shape = c.node.inputShape(0)
    let count = shape.reduce(1, *)
    if count == 0 { return [Tensor.zeros(shape, dtype: c.grad.dtype, device: c.grad.device)] }
    return [addedAt(index.remainder(count), c.grad, count: count).reshape(shape)]
  },
  // scatter(src): self gets the gradient where nothing was written; src gets what its elements became.
  "ScatterBackward0": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    return [
      c.needs(0) ? c.grad.scatter(dim: dim, index: index, value: 0) : nil,
      c.needs(1) ? gathered(c.grad, dim: dim, index: index, into: c.node.inputShapes[1]) : nil,
    ]
  },
  // scatter(value): only self.
  "ScatterBackward1": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    return [c.grad.scatter(dim: dim, index: index, value: 0)]
  },
  // scatter_add: self passes the gradient; src gets it gathered back.
  "ScatterAddBackward0": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    return [c.grad, c.needs(1) ? gathered(c.grad, dim: dim, index: index, into: c.node.inputShapes[1]) : nil]
  },
  // index_add: self passes the gradient; source gets alpha * grad.index_select(dim, index).
  "IndexAddBackward0": { c in
    let dim: Int = c.attribute("dim")
    let index: Tensor = c.attribute("index")
    let alpha: Double = c.attribute("alpha")
    guard c.needs(1) else { return [c.grad, nil] }
    let picked = (c.grad.rank == 0 ? c.grad.reshape([1]) : c.grad).indexSelect(dim: dim, index: index)
    return [c.grad, alpha == 1 ? picked : picked * alpha]
  },
  // masked_select: the gradient goes back to the true positions of the broadcast mask; the
  // engine sums it over the dimensions that broadcasting added to self.
  "MaskedSelectBackward0": { c in
    let mask: Tensor = c.attribute("mask")
    let shape = broadcast(c.node.inputShape(0), mask.shape)
    let count = shape.reduce(1, *)
    let positions = mask.expand(shape).reshape([-1]).nonzero().reshape([-1])
    return [addedAt(positions, c.grad, count: count).reshape(shape)]
  },
  // Advanced indexing (`x[index]`): the plan records each result element's position in self.
  "IndexBackward0": { c in
    let plan: AdvancedIndexPlan = c.attribute("plan")
    let shape = c.node.inputShape(0)
    let positions = Tensor(scalars: plan.positions.map(Int64.init), shape: [plan.positions.count])
    return [addedAt(positions, c.grad, count: shape.reduce(1, *)).reshape(shape)]
  },
]

/// A vector of `count` zeros with `gradient`'s elements added at the flat `positions` (same
/// number of elements, repeats accumulate): `zeros(count).index_add_(0, positions, gradient)`.
private func addedAt(_ positions: Tensor, _ gradient: Tensor, count: Int) -> Tensor {
  Tensor.zeros([count], dtype: gradient.dtype, device: gradient.device).indexAdd(
    dim: 0, index: onDevice(of: gradient, positions.reshape([-1])), source: gradient.reshape([-1]))
}

/// `gradient.gather(dim, index)`, the gradient of scatter's src, padded with zeros to src's
/// shape where src is larger than index (its elements beyond index were never used).
private func gathered(_ gradient: Tensor, dim: Int, index: Tensor, into shape: [Int]) -> Tensor {
  let picked = gradient.gather(dim: dim, index: index)
  guard picked.shape != shape, picked.rank == shape.count else { return picked }
  return picked.pad(zip(picked.shape, shape).reversed().flatMap { [0, $1 - $0] })
}

/// The broadcast of two shapes (both valid: the forward checked them).
private func broadcast(_ a: [Int], _ b: [Int]) -> [Int] {
  let rank = max(a.count, b.count)
  let a = [Int](repeating: 1, count: rank - a.count) + a
  let b = [Int](repeating: 1, count: rank - b.count) + b
  return zip(a, b).map { $0 == 1 ? $1 : $0 }
}
