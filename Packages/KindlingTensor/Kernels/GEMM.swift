import Dispatch

/// Batched matrix products `c[b] = beta * c[b] + alpha * a[b] @ b[b]`, the kernel under mm, bmm,
/// mv, dot, addmm, baddbmm and matmul.
///
/// `a` is `[batch, m, k]`, `b` is `[batch, k, n]` (any strides; a batch stride of 0 repeats a
/// matrix) and `c` a contiguous `[batch, m, n]` tensor of the same dtype. float32 and float64
/// call OpenBLAS's `cblas_sgemm`/`cblas_dgemm` (a large product split across
/// ``BLAS/threadCount`` threads, ``BLASFloat``): an operand whose rows or columns are dense is
/// passed as it is (transposed views as `CblasTrans` with their leading dimension), and only an
/// operand with neither dense is copied. float16 and bfloat16 compute in float32; the integer
/// types run one generic kernel whose arithmetic wraps, as PyTorch's does. When `beta` is 0,
/// `c` is not read (NaN in it does not leak), as in BLAS.
///
/// ```swift
/// GEMM.multiply(a, b, into: c, alpha: 1, beta: 0)   // c = a @ b
/// ```
enum GEMM {
  static func multiply(_ a: Tensor, _ b: Tensor, into c: Tensor, alpha: Double = 1, beta: Double = 0) {
    let r = c.rank
    precondition(
      (r == 2 || r == 3) && a.rank == r && b.rank == r && c.isContiguous,
      "GEMM: expects [batch, m, k] or [m, k] operands")
    let (m, k, n) = (a.shape[r - 2], a.shape[r - 1], b.shape[r - 1])
    guard c.count > 0 else { return }
    if c.device != .cpu {
      return DeviceRegistry.run(.matmul(a, b, output: c, alpha: alpha, beta: beta), on: c.device)
    }
    let fitsBLAS = m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max) && k > 0
    switch c.dtype {
    case .float32 where fitsBLAS, .float64 where fitsBLAS:
      // Matrices go to BLAS as they are; only the other paths need the batch dimension.
      blas(a, b, into: c, alpha: alpha, beta: beta)
    default:
      guard r == 3 else { return multiply(a.asBatch(), b.asBatch(), into: c.asBatch(), alpha: alpha, beta: beta) }
      multiplyBatches(a, b, into: c, alpha: alpha, beta: beta)
    }
  }

  /// The float16, bfloat16 and generic paths, on `[batch, m, k]` operands.
  private static func multiplyBatches(_ a: Tensor, _ b: Tensor, into c: Tensor, alpha: Double, beta: Double) {
    let (m, k, n) = (a.shape[1], a.shape[2], b.shape[2])
    let fitsBLAS = [m, n, k].allSatisfy { $0 <= Int(Int32.max) } && k > 0
    switch c.dtype {
    case .float16 where fitsBLAS, .bfloat16 where fitsBLAS:
      let a32 = converted(a, to: .float32), b32 = converted(b, to: .float32)
      let c32 = Tensor(uninitializedShape: c.shape, dtype: .float32)
      if beta != 0 { c32.assign(c) }
      blas(a32, b32, into: c32, alpha: alpha, beta: beta)
      c.assign(c32)
    default:
      c.dtype.dispatch(GenericGEMM(a: a, b: b, c: c, alpha: alpha, beta: beta))
    }
  }

  /// A contiguous copy of `t` in `dtype`, outside autograd.
  static func converted(_ t: Tensor, to dtype: DType) -> Tensor {
    let out = Tensor(uninitializedShape: t.shape, dtype: dtype)
    out.assign(t)
    return out
  }

  /// How BLAS reads one operand: the tensor (the operand itself or a dense copy), whether it
  /// is transposed, and its leading dimension.
  struct Operand {
    let tensor: Tensor
    let transposed: Bool
    let leading: Int
    /// The step between matrices of a `[batch, rows, columns]` operand (0 for a matrix).
    var batchStride: Int { tensor.rank == 3 ? tensor.strides[0] : 0 }

    /// `t` (`[batch, rows, columns]` or `[rows, columns]`) as BLAS can read it: row-major (unit
    /// column stride) as it is, column-major (unit row stride) as a transpose, anything else as a
    /// contiguous copy.
    init(_ t: Tensor) {
      let r = t.rank
      let (rows, cols, rs, cs) = (t.shape[r - 2], t.shape[r - 1], t.strides[r - 2], t.strides[r - 1])
      if (cols == 1 || cs == 1) && (rows == 1 || rs >= max(1, cols)), Self.fits(rs) {
        self.init(tensor: t, transposed: false, leading: rows == 1 ? max(1, cols) : rs)
      } else if (rows == 1 || rs == 1) && (cols == 1 || cs >= max(1, rows)), Self.fits(cs) {
        self.init(tensor: t, transposed: true, leading: cols == 1 ? max(1, rows) : cs)
      } else {
        self.init(tensor: GEMM.converted(t, to: t.dtype), transposed: false, leading: max(1, cols))
      }
    }

    private init(tensor: Tensor, transposed: Bool, leading: Int) {
      self.tensor = tensor
      self.transposed = transposed
      self.leading = leading
    }

    private static func fits(_ stride: Int) -> Bool { stride <= Int(Int32.max) }
  }

  /// One gemm per batch: float32 or float64 operands of `c`'s dtype, split across
  /// ``BLAS/threadCount`` threads by ``BLASFloat/gemmBatched(batches:transposeA:transposeB:m:n:k:alpha:a:lda:strideA:b:ldb:strideB:beta:c:ldc:strideC:threads:)``.
  private static func blas(_ a: Tensor, _ b: Tensor, into c: Tensor, alpha: Double, beta: Double) {
    if c.dtype == .float32 {
      blas(Float.self, a, b, into: c, alpha: Float(alpha), beta: Float(beta))
    } else {
      blas(Double.self, a, b, into: c, alpha: alpha, beta: beta)
    }
  }

  private static func blas<T: BLASFloat>(_: T.Type, _ a: Tensor, _ b: Tensor, into c: Tensor, alpha: T, beta: T) {
    let r = c.rank
    let (batches, m, k, n) = (r == 3 ? c.shape[0] : 1, a.shape[r - 2], a.shape[r - 1], b.shape[r - 1])
    let lhs = Operand(a), rhs = Operand(b)
    T.gemmBatched(
      batches: batches, transposeA: lhs.transposed, transposeB: rhs.transposed, m: m, n: n, k: k, alpha: alpha,
      a: lhs.tensor.pointer(as: T.self), lda: lhs.leading, strideA: lhs.batchStride, b: rhs.tensor.pointer(as: T.self),
      ldb: rhs.leading, strideB: rhs.batchStride, beta: beta, c: c.pointer(as: T.self), ldc: max(1, n), strideC: m * n)
  }
}

/// The generic kernel for every dtype BLAS does not cover (the integers, and `k == 0` or
/// sizes beyond BLAS's 32-bit indices). One row of `c` accumulates in the compute type: for
/// each `p`, `row += a[i, p] * b[p, :]`, a loop over `b`'s row that vectorizes when it is
/// dense. Rows are split across cores for large products.
private struct GenericGEMM: DTypeVisitor {
  let a: Tensor, b: Tensor, c: Tensor
  let alpha: Double, beta: Double

  func visit<T: TensorScalar>(_: T.Type) {
    typealias C = T.Compute
    let (batches, m, k, n) = (c.shape[0], a.shape[1], a.shape[2], b.shape[2])
    let (pa, pb, pc) = (a.pointer(as: T.self), b.pointer(as: T.self), c.pointer(as: T.self))
    let (sa, sb) = (a.strides, b.strides)
    let alphaC = C(double: alpha), betaC = C(double: beta)
    let scaleByAlpha = alphaC != C.one
    let rows = batches * m
    let work = rows * max(1, n) * max(1, k)
    let threads = min(StridedLoop.coreCount, max(1, work / (StridedLoop.parallelGrain * 8)), rows)
    let chunk = (rows + threads - 1) / threads
    let shared = UncheckedSendable(value: (pa, pb, pc))
    Parallel.perform(iterations: threads) { t in
      let (pa, pb, pc) = shared.value
      let start = t * chunk, end = min(rows, start + chunk)
      guard start < end else { return }
      withUnsafeTemporaryAllocation(of: C.self, capacity: max(1, n)) { row in
        for r in start..<end {
          let (batch, i) = r.quotientAndRemainder(dividingBy: m)
          for j in 0..<n { row[j] = C.zero }
          let aRow = pa + batch * sa[0] + i * sa[1]
          for p in 0..<k {
            let x = aRow[p * sa[2]].compute
            let bRow = pb + batch * sb[0] + p * sb[1]
            if sb[2] == 1 {
              for j in 0..<n { row[j] = C.add(row[j], C.multiply(x, bRow[j].compute)) }
            } else {
              for j in 0..<n { row[j] = C.add(row[j], C.multiply(x, bRow[j * sb[2]].compute)) }
            }
          }
          let out = pc + r * n
          for j in 0..<n {
            let product = scaleByAlpha ? C.multiply(alphaC, row[j]) : row[j]
            out[j] = T(compute: betaC == C.zero ? product : C.add(C.multiply(betaC, out[j].compute), product))
          }
        }
      }
    }
  }
}
