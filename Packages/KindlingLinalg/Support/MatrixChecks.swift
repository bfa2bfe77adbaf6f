import KindlingTensor

/// The shape checks every function starts with, in PyTorch's words.
enum MatrixChecks {
  /// `a` is a (batch of) matrix: rank 2 or more, float32 or float64. `name` is the argument's
  /// name in PyTorch's message (`A`, `B`).
  static func matrix(_ a: Tensor, op: String, name: String = "A") {
    precondition(a.rank >= 2, "\(op): The input tensor \(name) must have at least 2 dimensions.")
    precondition(
      a.dtype == .float32 || a.dtype == .float64,
      "\(op): Expected a floating point or complex tensor as input. Got \(a.dtype.pytorchTitle)")
  }

  /// `a` is a (batch of) square matrix.
  static func square(_ a: Tensor, op: String, name: String = "A") {
    matrix(a, op: op, name: name)
    let m = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    precondition(m == n, "\(op): \(name) must be batches of square matrices, but they are \(m) by \(n) matrices")
  }

  /// The number of matrices in the batch dimensions of `a` (1 for a single matrix).
  static func batchCount(_ a: Tensor) -> Int { a.shape.dropLast(2).reduce(1, *) }
}

extension Tensor {
  /// A contiguous copy whose every matrix is stored column by column (LAPACK's layout), shaped
  /// `[..., n, m]` for an input `[..., m, n]`: read it back with `.mT` for the `[..., m, n]` view.
  /// Always a fresh copy, so LAPACK may overwrite it.
  func columnMajorCopy() -> Tensor {
    let transposed = mT
    return transposed.isContiguous ? transposed.clone() : transposed.contiguous()
  }

  /// The first element's address as `T` (the tensor's dtype).
  func linalgPointer<T>(as _: T.Type) -> UnsafeMutablePointer<T> { storage.pointer(as: T.self) + storageOffset }
}
