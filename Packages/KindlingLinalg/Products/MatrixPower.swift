import KindlingTensor

extension Linalg {
  /// The `n`-th power of a (batch of) square matrix (`torch.linalg.matrix_power`).
  ///
  /// `A` is `[..., m, m]`; so is the result. `n = 0` gives the identity (in every matrix of the
  /// batch, with a zero gradient), a negative `n` the `|n|`-th power of ``inv(_:)`` (float32 or
  /// float64 only). Like PyTorch, powers above 3 multiply by binary exponentiation (the squares
  /// `A, A², A⁴, …` times the result for each set bit of `n`, least significant first), and the
  /// gradient flows through those products (and the inverse).
  ///
  /// ```swift
  /// let a = Tensor([[1.0, 1.0], [0.0, 1.0]])
  /// try Linalg.matrixPower(a, 3)    // [[1, 3], [0, 1]]
  /// try Linalg.matrixPower(a, -2)   // [[1, -2], [0, 1]]
  /// ```
  /// - Throws: ``LinalgError/singular(function:element:batch:)`` when `n` is negative and some
  ///   matrix is singular.
  public static func matrixPower(_ a: Tensor, _ n: Int) throws(LinalgError) -> Tensor {
    let op = "linalg.matrix_power"
    precondition(a.rank >= 2, "\(op): The input tensor A must have at least 2 dimensions.")
    let rows = a.shape[a.rank - 2]
    let columns = a.shape[a.rank - 1]
    precondition(
      rows == columns, "\(op): A must be batches of square matrices, but they are \(rows) by \(columns) matrices")
    if n == 0 {
      // PyTorch copies the identity into a clone of A: the result is connected, with a zero gradient.
      let identity = Tensor.eye(rows, dtype: a.dtype).expand(a.shape).contiguous()
      return record("CopyBackwards", inputs: [a], outputs: [identity]) { _, node in
        [Tensor.zeros(node.inputShapes[0], dtype: node.inputDTypes[0])]
      }[0]
    }
    let base = n < 0 ? try inv(a) : a
    var remaining = n.magnitude
    switch remaining {
    case 1: return base.clone()
    case 2: return base.matmul(base)
    case 3: return base.matmul(base).matmul(base)
    default: break
    }
    var square: Tensor?
    var result: Tensor?
    while remaining > 0 {
      let bit = remaining & 1
      remaining >>= 1
      let z = square.map { $0.matmul($0) } ?? base
      square = z
      if bit == 1 { result = result.map { $0.matmul(z) } ?? z }
    }
    return result!
  }
}
