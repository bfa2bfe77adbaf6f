import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// `c = alpha · a · b + beta · c` on matrices or batches of them: cuBLAS when the runtime has
  /// it (operands with a dense row or column pass as they are), else the tiled GEMM kernel.
  func matmul(_ a: Tensor, _ b: Tensor, _ c: Tensor, alpha: Double, beta: Double) throws(GPUError) {
    try checkDevice([a, b, c], op: "matmul")
    guard a.dtype == b.dtype, b.dtype == c.dtype else {
      throw .unsupported(op: "matmul", reason: "expected one dtype, but got \(a.dtype), \(b.dtype) and \(c.dtype)")
    }
    guard let element = c.dtype.kernelType else { throw unsupported("matmul", "dtype \(c.dtype)") }
    let layout = GEMMLayout(a, b, c)
    guard layout.m > 0, layout.n > 0 else { return }
    if let blas = runtime.blas, c.dtype == .float32 || c.dtype == .float64, layout.k > 0,
      try cublas(blas, a, b, c, alpha: alpha, beta: beta)
    {
      return
    }
    let recipe = KernelRecipes.gemm(element)
    let functions = try kernels(recipe)
    let name = recipe.names[0]
    try runtime.launch(
      functions[name]!, blocks: min(layout.tiles, LaunchShape.maxBlocks), threadsPerBlock: GEMMSource.threadsPerBlock,
      arguments: [
        .buffer(c.storage.data), .buffer(a.storage.data), .buffer(b.storage.data), layout.argument, .float64(alpha),
        .float64(beta),
      ])
  }

  /// Row-major `c = a · b` is column-major `cᵀ = bᵀ · aᵀ`: each row-major operand with unit
  /// column stride is already its transpose in column-major order (`N`), one with unit row
  /// stride is itself (`T`). Returns `false` when an operand has neither or `c` is not dense.
  private func cublas(
    _ blas: any DeviceBLAS, _ a: Tensor, _ b: Tensor, _ c: Tensor, alpha: Double, beta: Double
  ) throws(GPUError) -> Bool {
    let r = c.rank
    let (m, k, n) = (a.shape[r - 2], a.shape[r - 1], b.shape[r - 1])
    let batch = r == 3 ? c.shape[0] : 1
    /// (transpose, leading dimension) of a row-major `[rows, cols]` operand.
    func form(_ t: Tensor, rows: Int, cols: Int) -> (Bool, Int)? {
      let (s0, s1) = (t.strides[r - 2], t.strides[r - 1])
      if s1 == 1 || cols == 1, rows == 1 || s0 >= max(cols, 1) { return (false, rows == 1 ? max(cols, 1) : s0) }
      if s0 == 1 || rows == 1, cols == 1 || s1 >= max(rows, 1) { return (true, cols == 1 ? max(rows, 1) : s1) }
      return nil
    }
    guard let (transA, lda) = form(a, rows: m, cols: k), let (transB, ldb) = form(b, rows: k, cols: n),
      c.isContiguous
    else { return false }
    func batchStride(_ t: Tensor) -> Int { r == 3 ? t.strides[0] : 0 }
    try blas.gemm(
      dtype: c.dtype == .float32 ? .float32 : .float64, transposeA: transB, transposeB: transA, m: n, n: m, k: k,
      alpha: alpha, a: b.storage.data, aOffset: b.storageOffset, lda: ldb, strideA: batchStride(b),
      b: a.storage.data, bOffset: a.storageOffset, ldb: lda, strideB: batchStride(a), beta: beta,
      c: c.storage.data, cOffset: c.storageOffset, ldc: n, strideC: r == 3 ? m * n : 0, batchCount: batch)
    return true
  }
}
