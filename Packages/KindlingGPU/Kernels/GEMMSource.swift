import KindlingTensor

/// The operands of a batched product `c[b] = alpha · a[b] · b[b] + beta · c[b]` as the GEMM
/// kernel reads them: sizes, then an element offset and (batch, row, column) strides per operand.
struct GEMMLayout {
  static let declaration = """
    typedef struct {
      i64 m; i64 n; i64 k; i64 batch;
      i64 aOffset; i64 aBatch; i64 aRow; i64 aCol;
      i64 bOffset; i64 bBatch; i64 bRow; i64 bCol;
      i64 cOffset; i64 cBatch; i64 cRow; i64 cCol;
    } GLayout;

    """
  let m: Int, n: Int, k: Int, batch: Int
  let words: [Int64]

  /// `a` `[batch, m, k]` or `[m, k]`, `b` `[…, k, n]`, `c` `[…, m, n]`.
  init(_ a: Tensor, _ b: Tensor, _ c: Tensor) {
    let r = c.rank
    (m, k, n) = (a.shape[r - 2], a.shape[r - 1], b.shape[r - 1])
    batch = r == 3 ? c.shape[0] : 1
    func strides(_ t: Tensor) -> [Int64] {
      [Int64(t.storageOffset), Int64(r == 3 ? t.strides[0] : 0), Int64(t.strides[r - 2]), Int64(t.strides[r - 1])]
    }
    words = [Int64(m), Int64(n), Int64(k), Int64(batch)] + strides(a) + strides(b) + strides(c)
  }

  var argument: KernelArgument { .bytes(words.withUnsafeBytes { Array($0) }) }
  /// Blocks of the kernel's 16 × 16 output tiles.
  var tiles: Int { batch * ((m + 15) / 16) * ((n + 15) / 16) }
}

/// A tiled GEMM kernel in the dialect, for runtimes without a vendor BLAS (OpenCL) and dtypes
/// cuBLAS is not asked for: each block computes 16 × 16 outputs from tiles of `a` and `b` staged
/// in shared memory; any strides. Parameters: c, a, b, `GLayout`, `double alpha`, `double beta`.
enum GEMMSource {
  static let threadsPerBlock = 256

  static func make(name: String, element: String) -> String {
    GEMMLayout.declaration + """
      KERNEL \(name)(GLOBAL \(element) *c, GLOBAL const \(element) *a, GLOBAL const \(element) *b, GLayout L,
                     double alpha, double beta) {
        SHARED \(element) ta[16][16];
        SHARED \(element) tb[16][16];
        i64 ty = THREAD_ID / 16, tx = THREAD_ID % 16;
        i64 tilesM = (L.m + 15) / 16, tilesN = (L.n + 15) / 16, perBatch = tilesM * tilesN;
        for (i64 tile = BLOCK_ID; tile < L.batch * perBatch; tile += GRID_SIZE) {
          i64 bt = tile / perBatch, rest = tile - bt * perBatch;
          i64 row = (rest / tilesN) * 16 + ty, col = (rest % tilesN) * 16 + tx;
          i64 aBase = L.aOffset + bt * L.aBatch, bBase = L.bOffset + bt * L.bBatch;
          \(element) acc = (\(element))0;
          for (i64 p = 0; p < L.k; p += 16) {
            ta[ty][tx] = (row < L.m && p + tx < L.k) ? a[aBase + row * L.aRow + (p + tx) * L.aCol] : (\(element))0;
            tb[ty][tx] = (p + ty < L.k && col < L.n) ? b[bBase + (p + ty) * L.bRow + col * L.bCol] : (\(element))0;
            BARRIER();
            for (int q = 0; q < 16; ++q) acc += ta[ty][q] * tb[q][tx];
            BARRIER();
          }
          if (row < L.m && col < L.n) {
            i64 ci = L.cOffset + bt * L.cBatch + row * L.cRow + col * L.cCol;
            \(element) scaled = (\(element))alpha * acc;
            c[ci] = beta == 0.0 ? scaled : scaled + (\(element))beta * c[ci];
          }
        }
      }

      """
  }
}
