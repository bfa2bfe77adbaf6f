import KindlingStorage

// Matrix products: mm, bmm, mv, dot, outer, addmm, baddbmm and matmul with its broadcasting.
// Every product runs GEMM (Kernels/GEMM.swift) into one freshly allocated output.

extension Tensor {
  /// The matrix product of two matrices (`mm`): `[n, m] @ [m, p] -> [n, p]`.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).mm(Tensor([[5], [6]]))   // tensor([[17], [39]])
  /// ```
  /// - Precondition: both are 2-D, with `self.shape[1] == mat2.shape[0]` and the same dtype.
  public func mm(_ mat2: Tensor) -> Tensor {
    precondition(rank == 2, "mm: self must be a matrix, got \(rank)-D tensor")
    precondition(mat2.rank == 2, "mm: mat2 must be a matrix, got \(mat2.rank)-D tensor")
    Tensor.checkMultipliable(self, mat2, op: "mm")
    precondition(
      dtype == mat2.dtype,
      "mm: expected m1 and m2 to have the same dtype, but got: \(dtype.cppName) != \(mat2.dtype.cppName)")
    Tensor.checkProductOperands(self, mat2, op: "mm", kernel: "addmm_impl_cpu_")
    // Sizes of existing tensors need no validation, and the output's shape and strides are
    // mat2's own arrays when they are equal (a square product; a dense mat2's strides [n, 1]):
    // arrays are values, so sharing them saves two allocations.
    let (m, n) = (shape[0], mat2.shape[1])
    let out = Tensor(
      uninitializedShape: m == mat2.shape[0] ? mat2.shape : [m, n],
      contiguousStrides: mat2.strides[0] == n && mat2.strides[1] == 1 ? mat2.strides : [n, 1], dtype: dtype,
      device: device)
    GEMM.multiply(self, mat2, into: out)
    return record(out, "MmBackward0", self, mat2)
  }

  /// Matrix products of two batches of matrices (`bmm`): `[b, n, m] @ [b, m, p] -> [b, n, p]`.
  ///
  /// ```swift
  /// Tensor.ones([2, 1, 3]).bmm(Tensor.ones([2, 3, 4]))   // shape [2, 1, 4], every element 3
  /// ```
  /// - Precondition: both are 3-D with matching batch sizes and inner sizes, of one dtype.
  public func bmm(_ mat2: Tensor) -> Tensor {
    Tensor.checkBatches(self, mat2, op: "bmm")
    precondition(
      dtype == mat2.dtype, "bmm: expected scalar type \(dtype.pytorchTitle) but found \(mat2.dtype.pytorchTitle)")
    Tensor.checkProductOperands(self, mat2, op: "bmm", kernel: "bmm")
    let out = Tensor(uninitializedShape: [shape[0], shape[1], mat2.shape[2]], dtype: dtype, device: device)
    GEMM.multiply(self, mat2, into: out)
    return record(out, "BmmBackward0", self, mat2)
  }

  /// The product of a matrix and a vector (`mv`): `[n, m] @ [m] -> [n]`.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).mv(Tensor([1, 1]))   // tensor([3, 7])
  /// ```
  public func mv(_ vec: Tensor) -> Tensor {
    precondition(rank == 2 && vec.rank == 1, "mv: vector + matrix @ vector expected, got 1, \(rank), \(vec.rank)")
    precondition(
      shape[1] == vec.shape[0],
      "mv: size mismatch, got input (\(shape[0])), mat (\(shape[0])x\(shape[1])), vec (\(vec.shape[0]))")
    precondition(
      dtype == vec.dtype,
      "mv: addmv input tensors must have the same dtype, but got \(vec.dtype.pytorchTitle), \(dtype.pytorchTitle), and "
        + "\(vec.dtype.pytorchTitle)")
    Tensor.checkProductOperands(self, vec, op: "mv", kernel: "addmv_impl_cpu")
    let out = Tensor(uninitializedShape: [shape[0]], dtype: dtype, device: device)
    GEMM.multiply(asBatch(), vec.asColumn(), into: out.asColumn())
    return record(out, "MvBackward0", self, vec)
  }

  /// The inner product of two vectors (`dot`), as a 0-d tensor.
  ///
  /// ```swift
  /// Tensor([1, 2, 3]).dot(Tensor([4, 5, 6]))   // tensor(32)
  /// ```
  public func dot(_ other: Tensor) -> Tensor {
    precondition(rank == 1 && other.rank == 1, "dot: 1D tensors expected, but got \(rank)D and \(other.rank)D tensors")
    precondition(
      dtype == other.dtype,
      "dot : expected both vectors to have same dtype, but found \(dtype.pytorchTitle) and \(other.dtype.pytorchTitle)")
    precondition(
      count == other.count,
      "dot: inconsistent tensor size, expected tensor [\(count)] and src [\(other.count)] to have the same number of "
        + "elements, but got \(count) and \(other.count) elements respectively")
    Tensor.checkProductOperands(self, other, op: "dot", kernel: "dot")
    let out = Tensor(uninitializedShape: [], dtype: dtype, device: device)
    GEMM.multiply(asRow(), other.asColumn(), into: out.batchView(shape: [1, 1, 1], strides: [1, 1, 1]))
    return record(out, "DotBackward0", self, other)
  }

  /// The outer product of two vectors (`outer`): `out[i, j] = self[i] * vec2[j]`, promoting
  /// the dtypes as `*` does.
  ///
  /// ```swift
  /// Tensor([1, 2]).outer(Tensor([1, 10, 100]))   // tensor([[1, 10, 100], [2, 20, 200]])
  /// ```
  public func outer(_ vec2: Tensor) -> Tensor {
    precondition(rank == 1, "outer: Expected 1-D argument self, but got \(rank)-D")
    precondition(vec2.rank == 1, "outer: Expected 1-D argument vec2, but got \(vec2.rank)-D")
    return reshape([shape[0], 1]).mul(vec2)
  }

  /// `beta * self + alpha * (mat1 @ mat2)` (`addmm`); `self` broadcasts to the product's shape.
  /// With `beta == 0`, `self` is ignored (NaN in it does not propagate).
  ///
  /// ```swift
  /// let bias = Tensor([1.0, 2.0])
  /// bias.addmm(Tensor.ones([3, 4]), Tensor.ones([4, 2]))   // every row [5, 6]
  /// ```
  public func addmm(_ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
    precondition(mat1.rank == 2, "addmm: self must be a matrix, got \(mat1.rank)-D tensor")
    precondition(mat2.rank == 2, "addmm: mat2 must be a matrix, got \(mat2.rank)-D tensor")
    Tensor.checkMultipliable(mat1, mat2, op: "addmm")
    precondition(
      dtype == mat2.dtype,
      "addmm: self and mat2 must have the same dtype, but got \(dtype.pytorchTitle) and \(mat2.dtype.pytorchTitle)")
    precondition(
      mat1.dtype == mat2.dtype,
      "addmm: mat1 and mat2 must have the same dtype, but got \(mat1.dtype.pytorchTitle) and \(mat2.dtype.pytorchTitle)"
    )
    Tensor.checkProductOperands(self, mat1, mat2, op: "addmm", kernel: "addmm_impl_cpu_")
    let out = Tensor(uninitializedShape: [mat1.shape[0], mat2.shape[1]], dtype: dtype, device: device)
    let input = detach().expand(out.shape, op: "addmm")
    if beta != 0 { out.assign(input) }
    GEMM.multiply(mat1, mat2, into: out, alpha: alpha, beta: beta)
    return record(out, "AddmmBackward0", [self, mat1, mat2], ["beta": beta, "alpha": alpha])
  }

  /// `beta * self + alpha * (batch1 @ batch2)` for batches of matrices (`baddbmm`); `self`
  /// broadcasts to `[b, n, p]`.
  ///
  /// ```swift
  /// Tensor.zeros([2, 1, 1]).baddbmm(Tensor.ones([2, 1, 3]), Tensor.ones([2, 3, 1]), alpha: 2)   // all 6
  /// ```
  public func baddbmm(_ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
    Tensor.checkBatches(batch1, batch2, op: "baddbmm")
    precondition(
      dtype == batch1.dtype,
      "baddbmm: Input dtypes must be the same, got: input \(dtype.cppName), batch1: \(batch1.dtype.cppName), batch2: "
        + "\(batch2.dtype.cppName)")
    precondition(
      batch1.dtype == batch2.dtype,
      "baddbmm: expected scalar type \(batch1.dtype.pytorchTitle) but found \(batch2.dtype.pytorchTitle)")
    Tensor.checkProductOperands(self, batch1, batch2, op: "baddbmm", kernel: "baddbmm_cpu")
    let out = Tensor(
      uninitializedShape: [batch1.shape[0], batch1.shape[1], batch2.shape[2]], dtype: dtype, device: device)
    let input = detach().expand(out.shape, op: "baddbmm")
    if beta != 0 { out.assign(input) }
    GEMM.multiply(batch1, batch2, into: out, alpha: alpha, beta: beta)
    return record(out, "BaddbmmBackward0", [self, batch1, batch2], ["beta": beta, "alpha": alpha])
  }

  /// The matrix product with NumPy's and PyTorch's rules (`matmul`, `@`):
  /// - 1-D · 1-D: the dot product, a 0-d tensor;
  /// - 2-D · 1-D and 1-D · 2-D: matrix-vector products (a 1 is prepended to a left vector and
  ///   removed again);
  /// - 2-D · 2-D: ``mm(_:)``;
  /// - N-D: batches of matrices whose batch dimensions broadcast, e.g.
  ///   `[2, 1, 3, 4] @ [5, 4, 2] -> [2, 5, 3, 2]`.
  ///
  /// ```swift
  /// let x = Tensor.ones([10, 3, 4])
  /// let w = Tensor.ones([4, 5])
  /// (x.matmul(w)).shape   // [10, 3, 5]
  /// ```
  /// - Precondition: neither is 0-d, the inner sizes agree and the dtypes are the same.
  public func matmul(_ other: Tensor) -> Tensor {
    let (rank1, rank2) = (rank, other.rank)
    precondition(
      rank1 != 0 && rank2 != 0,
      "matmul: both arguments to matmul need to be at least 1D, but they are \(rank1)D and \(rank2)D")
    switch (rank1, rank2) {
    case (1, 1): return dot(other)
    case (2, 1): return mv(other)
    case (1, 2): return unsqueeze(0).mm(other).squeezedFirst()
    case (2, 2): return mm(other)
    default: break
    }
    if Tensor.shouldFold(self, other) { return foldedMatmul(other) }
    return batchedMatmul(other)
  }

  /// The folded path: the larger operand's leading dimensions become matrix rows, so one mm or
  /// mv does the work (PyTorch's `should_fold`).
  private func foldedMatmul(_ other: Tensor) -> Tensor {
    let transpose = other.rank > rank
    let t1 = transpose ? other.mT : self
    let t2 = !transpose ? other : (rank == 2 ? t() : self)
    var outShape = Array(t1.shape.dropLast())
    let folded = outShape.reduce(1, *)
    let t1Folded = t1.reshape([folded, t1.shape[t1.rank - 1]])
    guard t2.rank == 2 else { return t1Folded.mv(t2).unsafeView(outShape) }
    outShape.append(t2.shape[1])
    let output = t1Folded.mm(t2).unsafeView(outShape)
    return transpose ? output.mT.contiguous() : output
  }

  /// The broadcast batch path: both operands expanded to the common batch shape, flattened
  /// to one batch dimension and multiplied with bmm.
  private func batchedMatmul(_ other: Tensor) -> Tensor {
    let (rank1, rank2) = (rank, other.rank)
    let n = rank1 > 1 ? shape[rank1 - 2] : 1
    let m1 = shape[rank1 - 1]
    let batch1 = Array(shape.prefix(Swift.max(rank1 - 2, 0)))
    let m2 = rank2 > 1 ? other.shape[rank2 - 2] : other.shape[0]
    let p = rank2 > 1 ? other.shape[rank2 - 1] : 1
    let batch2 = Array(other.shape.prefix(Swift.max(rank2 - 2, 0)))
    if rank1 == 3 && rank2 == 3 && batch1[0] != batch2[0] {
      if batch1[0] == 1 && requiresGrad { return squeeze(0).matmul(other) }
      if batch2[0] == 1 && other.requiresGrad { return matmul(other.squeeze(0)) }
    }
    var outShape: [Int]
    do {
      outShape = try Shape.broadcast(batch1, batch2)
    } catch {
      preconditionFailure("matmul: \(error)")
    }
    let batches = outShape.reduce(1, *)
    let lhs = expand(outShape + [n, m1], op: "matmul").reshape([batches, n, m1])
    let vectorRHS = rank2 == 1
    var rhs = other.expand(outShape + (vectorRHS ? [m2] : [m2, p]), op: "matmul")
    rhs = vectorRHS ? rhs.reshape([batches, m2]).unsqueeze(2) : rhs.reshape([batches, m2, p])
    if rank1 > 1 { outShape.append(n) }
    if rank2 > 1 { outShape.append(p) }
    let product = lhs.bmm(rhs)
    return (vectorRHS ? product.squeeze(-1) : product).unsafeView(outShape)
  }

  /// PyTorch's `should_fold`: fold when the larger operand is at least 3-D, the other at most
  /// 2-D, and the larger one's leading dimensions merge without a copy (or the smaller one
  /// needs a gradient, where folding keeps the backward an mm).
  static func shouldFold(_ tensor1: Tensor, _ tensor2: Tensor) -> Bool {
    let tensor1Larger = tensor1.rank >= tensor2.rank
    let (shape1, strides1): ([Int], [Int]) =
      tensor1Larger ? (tensor1.shape, tensor1.strides) : (tensor2.mTShape, tensor2.mTStrides)
    let rankT2 = tensor1Larger ? tensor2.rank : tensor1.rank
    guard shape1.count >= 3 && rankT2 <= 2 else { return false }
    if tensor1Larger ? tensor2.requiresGrad : tensor1.requiresGrad { return true }
    if tensor1.rank == 2 { return false }
    if shape1.contains(0) { return true }
    for i in 0..<(shape1.count - 2) where strides1[i] != strides1[i + 1] * shape1[i + 1] { return false }
    return true
  }

  private var mTShape: [Int] { var s = shape; s.swapAt(rank - 2, rank - 1); return s }
  private var mTStrides: [Int] { var s = strides; s.swapAt(rank - 2, rank - 1); return s }

  /// A view of this contiguous tensor with another shape, recorded as PyTorch's
  /// `_unsafe_view` (`UnsafeViewBackward0`).
  func unsafeView(_ newShape: [Int]) -> Tensor {
    makeView(shape: newShape, strides: Shape.contiguousStrides(newShape), "UnsafeViewBackward0", ["shape": shape])
  }

  /// Dimension 0 (of size 1) removed, as matmul's in-place `squeeze_(0)` (`SqueezeBackward4`).
  private func squeezedFirst() -> Tensor {
    makeView(shape: Array(shape.dropFirst()), strides: Array(strides.dropFirst()), "SqueezeBackward4", ["dim": 0])
  }

  // MARK: Views for the kernel (outside autograd)

  /// An unrecorded view of the same storage, for handing operands to GEMM.
  func batchView(shape: [Int], strides: [Int]) -> Tensor {
    Tensor(storage: storage, shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype)
  }

  /// This matrix as a batch of one.
  func asBatch() -> Tensor { batchView(shape: [1] + shape, strides: [0] + strides) }
  /// This vector as a one-column matrix, in a batch of one.
  func asColumn() -> Tensor { batchView(shape: [1, shape[0], 1], strides: [0, strides[0], 1]) }
  /// This vector as a one-row matrix, in a batch of one.
  func asRow() -> Tensor { batchView(shape: [1, 1, shape[0]], strides: [0, 1, strides[0]]) }

  // MARK: Checks

  /// `mat1.shape[1] == mat2.shape[0]`, or PyTorch's message.
  static func checkMultipliable(_ mat1: Tensor, _ mat2: Tensor, op: String) {
    precondition(
      mat1.shape[1] == mat2.shape[0],
      "\(op): mat1 and mat2 shapes cannot be multiplied (\(mat1.shape[0])x\(mat1.shape[1]) and "
        + "\(mat2.shape[0])x\(mat2.shape[1]))")
  }

  /// Both 3-D, with `batch2`'s first two sizes `[b, m]`.
  static func checkBatches(_ batch1: Tensor, _ batch2: Tensor, op: String) {
    precondition(batch1.rank == 3, "\(op): batch1 must be a 3D tensor")
    precondition(batch2.rank == 3, "\(op): batch2 must be a 3D tensor")
    let expected = [batch1.shape[0], batch1.shape[2]]
    precondition(
      Array(batch2.shape.prefix(2)) == expected,
      "\(op): Expected size for first two dimensions of batch2 tensor to be: [\(expected[0]), \(expected[1])] but got: "
        + "[\(batch2.shape[0]), \(batch2.shape[1])].")
  }

  /// One device and a dtype the products support: every one but bool.
  static func checkProductOperands(_ a: Tensor, _ b: Tensor, _ c: Tensor? = nil, op: String, kernel: String) {
    checkSameDevice(a, b, c, op: op)
    precondition(a.dtype != .bool, "\(op): \"\(kernel)\" not implemented for 'Bool'")
  }
}
