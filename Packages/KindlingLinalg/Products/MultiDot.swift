import KindlingTensor

extension Linalg {
  /// The product of a chain of matrices, multiplied in the cheapest order
  /// (`torch.linalg.multi_dot`).
  ///
  /// Takes two or more tensors: the first may be a vector `[n]` (read as a row `[1, n]`), the last
  /// a vector `[n]` (read as a column `[n, 1]`), all others are matrices; all share one dtype.
  /// The result equals `tensors[0].matmul(tensors[1])…` with the vector dimensions dropped (a
  /// 0-dimensional tensor when both ends are vectors). The order of the products minimizes the
  /// number of scalar multiplications, as PyTorch's does (dynamic programming over the chain,
  /// a direct comparison for three), and gradients flow through those products.
  ///
  /// ```swift
  /// let a = Tensor.randn([10, 100]), b = Tensor.randn([100, 5]), c = Tensor.randn([5, 50])
  /// Linalg.multiDot([a, b, c])   // [10, 50], computed as (a b) c
  /// ```
  public static func multiDot(_ tensors: [Tensor]) -> Tensor {
    let op = "multi_dot()"
    let count = tensors.count
    precondition(count >= 2, "\(op): expected at least 2 tensors but got \(count)")
    let first = tensors[0]
    let last = tensors[count - 1]
    precondition(
      first.rank == 1 || first.rank == 2, "\(op): the first tensor must be 1D or 2D but got \(first.rank)D")
    for i in 1..<(count - 1) {
      precondition(tensors[i].rank == 2, "\(op): tensor \(i) must be 2D but got \(tensors[i].rank)D")
    }
    precondition(
      last.rank == 1 || last.rank == 2, "\(op): the last tensor must be 1D or 2D but got \(last.rank)D")
    for i in 1..<count where tensors[i].dtype != first.dtype {
      preconditionFailure(
        "\(op): all tensors must have be the same dtype but tensor 0 is \(scalarName(first.dtype)) and tensor \(i) "
          + "\(scalarName(tensors[i].dtype))")
    }
    var matrices = tensors
    if first.rank == 1 { matrices[0] = first.unsqueeze(0) }
    if last.rank == 1 { matrices[count - 1] = last.unsqueeze(-1) }
    for i in 1..<count where matrices[i - 1].shape[1] != matrices[i].shape[0] {
      preconditionFailure(
        "\(op): tensors \(i - 1) and \(i) with shapes \(tensors[i - 1].shape) and \(tensors[i].shape) cannot be "
          + "multiplied")
    }
    let product = chainProduct(matrices)
    switch (first.rank, last.rank) {
    case (1, 1): return product.reshape([])
    case (1, _): return product.squeeze(0)
    case (_, 1): return product.squeeze(-1)
    default: return product
    }
  }

  /// The product of `matrices` (each `[rows, columns]`, chained) in the order with the fewest
  /// scalar multiplications.
  private static func chainProduct(_ matrices: [Tensor]) -> Tensor {
    let count = matrices.count
    if count == 2 { return matrices[0].matmul(matrices[1]) }
    // dims[i] × dims[i + 1] is matrix i's shape.
    let dims = matrices.map { $0.shape[0] } + [matrices[count - 1].shape[1]]
    if count == 3 {
      let (a, b, c, d) = (dims[0], dims[1], dims[2], dims[3])
      let leftFirst = a * c * (b + d)  // (M₀ M₁) M₂
      let rightFirst = b * d * (a + c)  // M₀ (M₁ M₂)
      return leftFirst > rightFirst
        ? matrices[0].matmul(matrices[1].matmul(matrices[2]))
        : matrices[0].matmul(matrices[1]).matmul(matrices[2])
    }
    // cost[i][j]: the fewest multiplications for matrices i...j; split[i][j] where to cut.
    var cost = [[Int]](repeating: [Int](repeating: 0, count: count), count: count)
    var split = cost
    for length in 1..<count {
      for i in 0..<(count - length) {
        let j = i + length
        cost[i][j] = Int.max
        for k in i..<j {
          let q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
          if q < cost[i][j] {
            cost[i][j] = q
            split[i][j] = k
          }
        }
      }
    }
    func multiply(_ i: Int, _ j: Int) -> Tensor {
      i == j ? matrices[i] : multiply(i, split[i][j]).matmul(multiply(split[i][j] + 1, j))
    }
    return multiply(0, count - 1)
  }

  /// The C++ scalar type name PyTorch's `multi_dot` prints (`float`, `double`, …).
  private static func scalarName(_ dtype: DType) -> String {
    switch dtype {
    case .float32: return "float"
    case .float64: return "double"
    case .int64: return "long int"
    case .int32: return "int"
    default: return dtype.pytorchTitle
    }
  }
}
