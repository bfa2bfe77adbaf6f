import KindlingStorage

// einsum: Einstein summation reduced to diagonal, permute, sum, mul and bmm.

extension Tensor {
  /// Einstein summation (`torch.einsum`): the `equation` names each operand's dimensions with
  /// letters; letters shared between operands are multiplied along, letters missing from the
  /// output are summed over. Without `->` the output holds the letters that appear once, in
  /// alphabetical order (uppercase first). `...` stands for broadcast dimensions; a letter
  /// repeated in one operand takes its diagonal.
  ///
  /// ```swift
  /// let a = Tensor.ones([2, 3]), b = Tensor.ones([3, 4])
  /// Tensor.einsum("ij,jk->ik", a, b)   // a.matmul(b)
  /// Tensor.einsum("ij->ji", a)         // a.t()
  /// Tensor.einsum("ii->i", Tensor.eye(3))   // the diagonal
  /// Tensor.einsum("bi,bi->b", a, a)    // row-wise dot products
  /// ```
  public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor { einsum(equation, operands) }

  /// ``einsum(_:_:)-(_,Tensor...)`` with the operands as an array.
  public static func einsum(_ equation: String, _ operands: [Tensor]) -> Tensor {
    var plan = EinsumPlan(equation: equation, operands: operands)
    let outCount = plan.output.count
    let order = plan.output + plan.contracted
    // Each operand: diagonals taken, then its dimensions in `order`, size 1 where it lacks a label.
    var aligned: [Tensor] = []
    var present: [Set<Int>] = []
    for (k, operand) in operands.enumerated() {
      var t = operand
      var labels = plan.labels[k]
      while let (i, j) = EinsumPlan.firstRepeat(labels) {
        precondition(
          t.shape[i] == t.shape[j],
          "einsum(): subscript \(EinsumPlan.letter(labels[i])) is repeated for operand \(k) but the sizes don't match, "
            + "\(t.shape[j]) != \(t.shape[i])")
        t = t.diagonal(offset: 0, dim1: i, dim2: j)
        let label = labels[i]
        labels.remove(at: j)
        labels.remove(at: i)
        labels.append(label)
      }
      let own = order.filter { labels.contains($0) }
      t = t.permute(own.map { labels.firstIndex(of: $0)! })
      for (d, label) in order.enumerated() where !labels.contains(label) { t = t.unsqueeze(d) }
      plan.checkSizes(t, operand: k, order: order)
      aligned.append(t)
      present.append(Set(labels))
    }
    if aligned.count == 1 {
      let t = aligned[0]
      return order.count > outCount ? t.summed(dims: Array(outCount..<order.count), keepDim: false) : t
    }
    var result = aligned[0]
    for k in 1..<aligned.count {
      let later = present[(k + 1)...].reduce(into: Set<Int>()) { $0.formUnion($1) }
      let sumDims = (outCount..<order.count).filter { !later.contains(order[$0]) }
      result = sumProductPair(result, aligned[k], sumDims: sumDims)
    }
    return order.count > outCount ? result.reshape(Array(result.shape.prefix(outCount))) : result
  }

  /// `(left * right).sum(sumDims, keepDim: true)` for operands of one rank whose sizes match or
  /// are 1, computed by permuting both into `[batch, rows, sum]` and `[batch, sum, columns]`
  /// and calling bmm (PyTorch's `sumproduct_pair`).
  private static func sumProductPair(_ left: Tensor, _ right: Tensor, sumDims: [Int]) -> Tensor {
    if sumDims.isEmpty { return left.mul(right) }
    var (lro, lo, ro, sum, leftOnly, rightOnly): ([Int], [Int], [Int], [Int], [Int], [Int]) = ([], [], [], [], [], [])
    for d in 0..<left.rank {
      let (l, r) = (left.shape[d] != 1, right.shape[d] != 1)
      if sumDims.contains(d) {
        if l && r { sum.append(d) } else if l { leftOnly.append(d) } else if r { rightOnly.append(d) }
      } else {
        if l && r { lro.append(d) } else if l { lo.append(d) } else if r { ro.append(d) }
      }
    }
    let left = leftOnly.isEmpty ? left : left.summed(dims: leftOnly, keepDim: true)
    let right = rightOnly.isEmpty ? right : right.summed(dims: rightOnly, keepDim: true)
    let size = { (t: Tensor, dims: [Int]) in dims.reduce(1) { $0 * t.shape[$1] } }
    let used = Set(lro + lo + ro + sum)
    let rest = (0..<left.rank).filter { !used.contains($0) }
    let lhs = left.permute(lro + lo + sum + ro + rest).reshape([size(left, lro), size(left, lo), size(left, sum)])
    let rhs = right.permute(lro + sum + ro + lo + rest).reshape([size(right, lro), size(right, sum), size(right, ro)])
    let placed = lro + lo + ro + sum + rest
    let placedShape = placed.map { d in lro.contains(d) || lo.contains(d) ? left.shape[d] : ro.contains(d) ? right.shape[d] : 1 }
    let product = lhs.bmm(rhs).view(placedShape)
    return product.permute((0..<left.rank).map { placed.firstIndex(of: $0)! })
  }

  /// The sum over `dims` (PyTorch's `sum(dims, keepdim)`, `SumBackward1`), as einsum needs it:
  /// integer and bool tensors sum into int64.
  func summed(dims: [Int], keepDim: Bool) -> Tensor {
    let outType: DType = dtype.isFloatingPoint ? dtype : .int64
    let kept = (0..<rank).filter { !dims.contains($0) }
    let moved = batchView(shape: (kept + dims).map { shape[$0] }, strides: (kept + dims).map { strides[$0] })
    let source = GEMM.converted(moved, to: outType)
    let outShape = keepDim ? shape.indices.map { dims.contains($0) ? 1 : shape[$0] } : kept.map { shape[$0] }
    let out = Tensor(uninitializedShape: outShape, dtype: outType)
    outType.dispatch(RowSums(source: source, out: out, rowLength: dims.reduce(1) { $0 * shape[$1] }))
    return record(out, "SumBackward1", self, ["dims": dims, "keepDim": keepDim])
  }
}

/// `out[i] = sum of source's row i`, accumulating in the compute type.
private struct RowSums: DTypeVisitor {
  let source: Tensor, out: Tensor, rowLength: Int
  func visit<T: TensorScalar>(_: T.Type) {
    let (p, o) = (source.pointer(as: T.self), out.pointer(as: T.self))
    for i in 0..<out.count {
      var total = T.Compute.zero
      for j in 0..<rowLength { total = T.Compute.add(total, p[i * rowLength + j].compute) }
      o[i] = T(compute: total)
    }
  }
}

/// An einsum equation parsed against its operands: each operand's labels (letters 0–51,
/// uppercase first; `...` dimensions 52 and up, aligned from the right), the output labels and
/// the contracted ones, and every label's size.
struct EinsumPlan {
  var labels: [[Int]] = []
  var output: [Int] = []
  var contracted: [Int] = []
  private var sizes: [Int: Int] = [:]

  init(equation: String, operands: [Tensor]) {
    let text = equation.filter { $0 != " " }
    let sides = text.split(separator: "->", omittingEmptySubsequences: false).map(String.init)
    precondition(sides.count <= 2, "einsum(): more than one arrow (->) in the equation")
    let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    precondition(terms.count <= operands.count, "einsum(): fewer operands were provided than specified in the equation")
    precondition(terms.count >= operands.count, "einsum(): more operands were provided than specified in the equation")
    let parsed = terms.map { Self.parse($0) }
    var ellipsisRank = 0
    for (k, (letters, hasEllipsis)) in parsed.enumerated() {
      let explicit = letters.filter { $0 != nil }.count
      let rank = operands[k].rank
      if hasEllipsis {
        precondition(
          explicit <= rank,
          "einsum(): the number of subscripts in the equation (\(explicit)) is more than the number of dimensions "
            + "(\(rank)) for operand \(k)")
        ellipsisRank = max(ellipsisRank, rank - explicit)
      } else {
        precondition(
          explicit == rank,
          "einsum(): the number of subscripts in the equation (\(explicit)) does not match the number of dimensions "
            + "(\(rank)) for operand \(k) and no ellipsis was given")
      }
    }
    for (k, (letters, _)) in parsed.enumerated() {
      let covered = operands[k].rank - letters.filter { $0 != nil }.count
      var own: [Int] = []
      for letter in letters {
        if let letter { own.append(letter) } else { own += (0..<covered).map { 52 + ellipsisRank - covered + $0 } }
      }
      labels.append(own)
    }
    let ellipsisLabels = Array(52..<(52 + ellipsisRank))
    if sides.count == 2 {
      let (letters, _) = Self.parse(sides[1])
      let all = Set(labels.joined())
      for label in letters {
        guard let label else {
          output += ellipsisLabels
          continue
        }
        precondition(
          all.contains(label), "einsum(): output subscript \(Self.letter(label)) does not appear in the equation for any input operand")
        precondition(!output.contains(label), "einsum(): output subscript \(Self.letter(label)) appears more than once in the output")
        output.append(label)
      }
    } else {
      let counts = labels.joined().reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
      output = ellipsisLabels + counts.keys.filter { $0 < 52 && counts[$0] == 1 }.sorted()
    }
    for label in labels.joined() where !output.contains(label) && !contracted.contains(label) { contracted.append(label) }
  }

  /// The letters of one term, with `nil` where `...` stands.
  private static func parse(_ term: String) -> (letters: [Int?], hasEllipsis: Bool) {
    var result: [Int?] = []
    var hasEllipsis = false
    var rest = Substring(term)
    while let c = rest.first {
      if rest.hasPrefix("...") {
        precondition(!hasEllipsis, "einsum(): found '.' for operand that is not part of any ellipsis")
        hasEllipsis = true
        result.append(nil)
        rest = rest.dropFirst(3)
        continue
      }
      guard let ascii = c.asciiValue, c.isLetter else {
        preconditionFailure("einsum(): invalid subscript given at '\(c)' in the equation string, subscripts must be in [a-zA-Z]")
      }
      result.append(c.isUppercase ? Int(ascii) - 65 : Int(ascii) - 97 + 26)
      rest = rest.dropFirst()
    }
    return (result, hasEllipsis)
  }

  static func letter(_ label: Int) -> String {
    if label >= 52 { return "..." }
    let ascii = label < 26 ? 65 + label : 97 + label - 26
    return String(Character(UnicodeScalar(UInt8(ascii))))
  }

  /// The first two positions holding the same label.
  static func firstRepeat(_ labels: [Int]) -> (Int, Int)? {
    for j in labels.indices {
      if let i = labels[..<j].firstIndex(of: labels[j]) { return (i, j) }
    }
    return nil
  }

  /// Each label's size agrees with (or broadcasts against) what earlier operands had.
  mutating func checkSizes(_ t: Tensor, operand k: Int, order: [Int]) {
    for (d, label) in order.enumerated() where t.shape[d] != 1 {
      if let seen = sizes[label], seen != 1 {
        precondition(
          seen == t.shape[d],
          "einsum(): subscript \(Self.letter(label)) has size \(t.shape[d]) for operand \(k) which does not broadcast "
            + "with previously seen size \(seen)")
      } else {
        sizes[label] = t.shape[d]
      }
    }
  }
}
