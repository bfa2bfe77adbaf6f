import KindlingStorage

// unique, searchsorted, bincount and one_hot: counting and locating values.

/// The result of ``Tensor/unique(sorted:returnInverse:returnCounts:)``.
public struct UniqueResult {
  /// The distinct values, ascending.
  public let values: Tensor
  /// For each input element, the position of its value in ``values`` (int64, input's shape),
  /// when asked for.
  public let inverse: Tensor?
  /// How often each value occurs (int64), when asked for.
  public let counts: Tensor?
}

extension Tensor {
  /// The distinct elements, in ascending order (`torch.unique`); NaNs are each distinct. The
  /// CPU result is sorted whatever `sorted` says, as in PyTorch.
  ///
  /// ```swift
  /// let u = Tensor([3, 1, 3]).unique(returnInverse: true, returnCounts: true)
  /// // u.values: tensor([1, 3]), u.inverse: tensor([1, 0, 1]), u.counts: tensor([1, 2])
  /// ```
  public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false) -> UniqueResult {
    let flat = detach().contiguous().rawView(shape: [count], strides: [1])
    let (sortedValues, order) = flat.sort()
    let keys = sortedValues.scalars(as: Double.self)
    var firsts: [Int64] = []
    var groupOf = [Int64](repeating: 0, count: count)
    var counts: [Int64] = []
    for (i, key) in keys.enumerated() {
      if i == 0 || key != keys[i - 1] || key.isNaN {
        firsts.append(Int64(i))
        counts.append(0)
      }
      counts[counts.count - 1] += 1
      groupOf[i] = Int64(firsts.count - 1)
    }
    let values = sortedValues.indexSelect(dim: 0, index: Tensor(scalars: firsts, shape: [firsts.count]))
    var inverse: Tensor?
    if returnInverse {
      let positions = order.scalars(as: Int64.self)
      var result = [Int64](repeating: 0, count: count)
      for (i, p) in positions.enumerated() { result[Int(p)] = groupOf[i] }
      inverse = Tensor(scalars: result, shape: shape)
    }
    return UniqueResult(
      values: values, inverse: inverse, counts: returnCounts ? Tensor(scalars: counts, shape: [counts.count]) : nil)
  }

  /// For each of `values`, the position in this sorted tensor where it would be inserted to
  /// keep the order (`torch.searchsorted`): before equal elements, or after them when `right`.
  /// A sequence of rank above 1 is searched row by row, with `values`' matching leading dims.
  ///
  /// ```swift
  /// Tensor([1, 3, 5]).searchsorted(Tensor([3, 6, 0]))   // tensor([1, 3, 0])
  /// ```
  public func searchsorted(_ values: Tensor, right: Bool = false) -> Tensor {
    precondition(
      rank <= 1 || Array(shape.dropLast()) == Array(values.shape.dropLast()),
      "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
        + "tensor and input value tensor must match, but we got boundaries tensor \(shape) and input value tensor "
        + "\(values.shape)")
    let sequence = scalars(as: Double.self)
    let keys = values.scalars(as: Double.self)
    let n = shape.last ?? 1
    let perRow = values.shape.last ?? 1
    var result = [Int64](repeating: 0, count: keys.count)
    for (i, key) in keys.enumerated() {
      let base = rank <= 1 ? 0 : (i / Swift.max(perRow, 1)) * n
      var lo = 0, hi = n
      while lo < hi {
        let mid = (lo + hi) / 2
        let element = sequence[base + mid]
        // Left: the first element not less than key; right: the first greater (NaN sorts last).
        let goRight = right ? !(key < element) && !(element.isNaN && !key.isNaN) : (element < key || key.isNaN && !element.isNaN)
        if goRight { lo = mid + 1 } else { hi = mid }
      }
      result[i] = Int64(lo)
    }
    return Tensor(scalars: result, shape: values.shape)
  }

  /// How often each value `0, 1, …` occurs in this 1-D tensor of non-negative integers, or the
  /// sum of `weights` at its occurrences (`torch.bincount`); at least `minlength` bins.
  ///
  /// ```swift
  /// Tensor([0, 1, 1, 3]).bincount()   // tensor([1, 2, 0, 1])
  /// ```
  public func bincount(weights: Tensor? = nil, minlength: Int = 0) -> Tensor {
    precondition(minlength >= 0, "bincount: minlength should be >= 0")
    let values = dtype.isFloatingPoint || dtype == .bool ? [] : scalars(as: Int64.self)
    precondition(
      rank == 1 && !dtype.isFloatingPoint && dtype != .bool && values.allSatisfy { $0 >= 0 },
      "bincount only supports 1-d non-negative integral inputs.")
    let bins = Swift.max(minlength, Int(values.max().map { $0 + 1 } ?? 0))
    guard let weights else {
      var counts = [Int64](repeating: 0, count: bins)
      for v in values { counts[Int(v)] += 1 }
      return Tensor(scalars: counts, shape: [bins])
    }
    precondition(
      weights.rank == 1 && weights.count == count, "bincount: weights should be 1-d and have the same length as input")
    var sums = [Double](repeating: 0, count: bins)
    for (v, w) in zip(values, weights.scalars(as: Double.self)) { sums[Int(v)] += w }
    return Tensor(scalars: sums, shape: [bins]).to(weights.dtype == .float32 ? .float32 : .float64)
  }

  /// Each int64 class index as a row of `numClasses` zeros with a one at the index
  /// (`torch.nn.functional.one_hot`), int64; `-1` takes one more than the largest index.
  ///
  /// ```swift
  /// Tensor([0, 2]).oneHot(numClasses: 3)   // tensor([[1, 0, 0], [0, 0, 1]])
  /// ```
  public func oneHot(numClasses: Int = -1) -> Tensor {
    precondition(dtype == .int64, "one_hot is only applicable to index tensor of type LongTensor.")
    let classes = scalars(as: Int64.self)
    precondition(classes.allSatisfy { $0 >= 0 }, "Class values must be non-negative.")
    let width: Int
    if numClasses == -1 {
      precondition(count > 0, "Can not infer total number of classes from empty tensor.")
      width = Int(classes.max()!) + 1
    } else {
      width = numClasses
      precondition(classes.allSatisfy { $0 < numClasses }, "Class values must be smaller than num_classes.")
    }
    var values = [Int64](repeating: 0, count: classes.count * width)
    for (i, c) in classes.enumerated() { values[i * width + Int(c)] = 1 }
    return Tensor(scalars: values, shape: shape + [width])
  }
}
