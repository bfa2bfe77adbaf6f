import KindlingStorage

// sort, argsort, topk and kthvalue: values ordered along a dimension, with their positions.
// NaN counts as larger than every number, as in PyTorch.

/// What ``SortRowsKernel`` does with each row.
enum RowSelection {
  /// A stable sort: ties keep their order.
  case sort(descending: Bool)
  /// PyTorch's topk: libstdc++'s partial_sort or nth_element + sort, so ties land as in PyTorch.
  case topk(k: Int, largest: Bool, sorted: Bool)
  /// PyTorch's quick-select for the k-th smallest (k from 0).
  case kth(k: Int)
}

/// Runs a ``RowSelection`` over every row of a contiguous input (rows along the last
/// dimension) and writes the first `values.shape.last` picked elements and their positions.
struct SortRowsKernel: DTypeVisitor {
  let input: Tensor, values: Tensor, indices: Tensor
  let selection: RowSelection

  func visit<T: TensorScalar>(_: T.Type) {
    let n = input.shape.last ?? 1
    let width = values.shape.last ?? 1
    guard n > 0 else { return }
    let rows = input.count / n
    let x = input.pointer(as: T.self)
    let v = values.pointer(as: T.self)
    let ix = indices.pointer(as: Int64.self)
    typealias C = T.Compute
    func isNaN(_ a: C) -> Bool { a != a }
    // NaN above everything: "greater or NaN" and "less, NaN last".
    func greater(_ a: C, _ b: C) -> Bool { (isNaN(a) && !isNaN(b)) || C.isLess(b, a) }
    func less(_ a: C, _ b: C) -> Bool { (!isNaN(a) && isNaN(b)) || C.isLess(a, b) }
    for r in 0..<rows {
      var pairs = (0..<n).map { (x[r * n + $0].compute, $0) }
      switch selection {
      case .sort(let descending):
        let before = descending ? greater : less
        pairs.sort { before($0.0, $1.0) || (!before($1.0, $0.0) && $0.1 < $1.1) }
      case .topk(let k, let largest, let sorted):
        let before = largest ? greater : less
        var algorithm = StdSelection(a: pairs) { before($0.0, $1.0) }
        if k * 64 <= n {
          algorithm.partialSort(0, k, n)
        } else {
          algorithm.nthElement(0, k - 1, n)
          if sorted { algorithm.sort(0, k - 1) }
        }
        pairs = algorithm.a
      case .kth(let k):
        quickSelect(&pairs, k, greater: { greater($0, $1) })
        pairs = [pairs[k]]
      }
      for j in 0..<width {
        v[r * width + j] = x[r * n + pairs[j].1]
        ix[r * width + j] = Int64(pairs[j].1)
      }
    }
  }

  /// PyTorch's `quick_select_template` (SortingUtils.h): puts the k-th smallest at `k`.
  private func quickSelect<C>(_ a: inout [(C, Int)], _ k: Int, greater: (C, C) -> Bool) {
    var l = 0, r = a.count - 1
    while true {
      if r <= l { return }
      if r == l + 1 {
        if greater(a[l].0, a[r].0) { a.swapAt(l, r) }
        return
      }
      let p = l + (r - l) / 2
      a.swapAt(p, l + 1)
      if greater(a[l + 1].0, a[r].0) { a.swapAt(l + 1, r) }
      if greater(a[l].0, a[r].0) { a.swapAt(l, r) }
      if greater(a[l + 1].0, a[l].0) { a.swapAt(l + 1, l) }
      var i = l + 1, j = r
      let pivot = a[l].0
      while true {
        repeat { i += 1 } while greater(pivot, a[i].0)
        repeat { j -= 1 } while greater(a[j].0, pivot)
        if j < i { break }
        a.swapAt(i, j)
      }
      a.swapAt(l, j)
      if j <= k { l = i }
      if j >= k { r = j - 1 }
    }
  }
}

extension Tensor {
  /// The values sorted along `dim` and the positions they came from (int64) (`sort`). The sort
  /// is stable: equal values keep their order. NaN sorts as the largest value.
  ///
  /// ```swift
  /// let (values, indices) = Tensor([3, 1, 2]).sort()
  /// // values: tensor([1, 2, 3]), indices: tensor([1, 2, 0])
  /// ```
  public func sort(dim: Int = -1, descending: Bool = false) -> (values: Tensor, indices: Tensor) {
    let (values, indices, d) = selectRows(dim: dim, width: nil, .sort(descending: descending), op: "sort")
    return (record(values, "SortBackward0", self, ["dim": d, "indices": indices]), indices)
  }

  /// The positions that sort `self` along `dim` (`argsort`), stably.
  ///
  /// ```swift
  /// Tensor([3, 1, 2]).argsort()   // tensor([1, 2, 0])
  /// ```
  public func argsort(dim: Int = -1, descending: Bool = false) -> Tensor {
    selectRows(dim: dim, width: nil, .sort(descending: descending), op: "argsort").1
  }

  /// The `k` largest (or smallest) values along `dim` and their positions (`topk`), largest
  /// first when `sorted`.
  ///
  /// ```swift
  /// let (values, indices) = Tensor([1, 5, 3]).topk(2)   // tensor([5, 3]), tensor([1, 2])
  /// ```
  public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true)
    -> (values: Tensor, indices: Tensor)
  {
    let d = normalizedDim(dim, op: "topk", rank: Swift.max(rank, 1))
    let size = rank == 0 ? 1 : shape[d]
    precondition(k >= 0 && k <= size, "selected index k out of range")
    let (values, indices, _) = selectRows(
      dim: d, width: k, .topk(k: k, largest: largest, sorted: sorted), op: "topk", skip: k == 0)
    return (record(values, "TopkBackward0", self, ["dim": d, "indices": indices]), indices)
  }

  /// The `k`-th smallest value along `dim` (k from 1) and its position (`kthvalue`).
  ///
  /// ```swift
  /// Tensor([4, 1, 3]).kthvalue(2)   // (tensor(3), tensor(2))
  /// ```
  public func kthvalue(_ k: Int, dim: Int = -1, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
    let d = normalizedDim(dim, op: "kthvalue", rank: Swift.max(rank, 1))
    let size = rank == 0 ? 1 : shape[d]
    precondition(k >= 1 && k <= size, "kthvalue(): selected number k out of range for dimension \(d)")
    var (values, indices, _) = selectRows(dim: d, width: 1, .kth(k: k - 1), op: "kthvalue")
    if !keepDim && rank > 0 {
      var s = values.shape
      s.remove(at: d)
      values = values.rawView(shape: s, strides: Shape.contiguousStrides(s))
      indices = indices.rawView(shape: s, strides: Shape.contiguousStrides(s))
    }
    return (record(values, "KthvalueBackward0", self, ["dim": d, "keepDim": keepDim, "indices": indices]), indices)
  }

  /// Runs `selection` on every slice along `dim`; `width` is the output's size along `dim`
  /// (all of it when `nil`). Returns contiguous values and int64 indices and the normalized dim.
  private func selectRows(dim: Int, width: Int?, _ selection: RowSelection, op: String, skip: Bool = false)
    -> (Tensor, Tensor, Int)
  {
    let source = rank == 0 ? rawView(shape: [1], strides: [1]) : detach()
    let d = source.normalizedDim(dim, op: op)
    let last = source.rank - 1
    let moved = source.transpose(d, last).contiguous()
    var outShape = moved.shape
    outShape[last] = width ?? outShape[last]
    let values = Tensor(uninitializedShape: outShape, dtype: dtype, device: device)
    let indices = Tensor(uninitializedShape: outShape, dtype: .int64, device: device)
    if !skip && values.count > 0 {
      dtype.dispatch(SortRowsKernel(input: moved, values: values, indices: indices, selection: selection))
    }
    var finalShape = shape
    if rank > 0 { finalShape[d] = outShape[last] }
    func back(_ t: Tensor) -> Tensor {
      let result = t.transpose(d, last).contiguous()
      return result.rawView(shape: finalShape, strides: Shape.contiguousStrides(finalShape))
    }
    return (back(values), back(indices), d)
  }
}
