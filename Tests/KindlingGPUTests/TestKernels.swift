/// Kernels in Kindling's dialect that the runtime tests compile with both NVRTC and OpenCL.
enum TestKernels {
  /// y[yOffset + i] += a · x[xOffset + i] for i < n.
  static let axpy = """
    KERNEL axpy(GLOBAL float *y, i64 yOffset, GLOBAL const float *x, i64 xOffset, float a, i64 n) {
      i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID;
      if (i < n) y[yOffset + i] += a * x[xOffset + i];
    }
    """

  /// out[b] = the sum of block b's elements of x (blocks of at most 256 threads, a power of two),
  /// a tree reduction in shared memory.
  static let blockSum = """
    KERNEL block_sum(GLOBAL float *out, GLOBAL const float *x, i64 n) {
      SHARED float partial[256];
      i64 t = THREAD_ID;
      i64 i = BLOCK_ID * BLOCK_SIZE + t;
      partial[t] = i < n ? x[i] : 0.0f;
      BARRIER();
      for (i64 s = BLOCK_SIZE / 2; s > 0; s >>= 1) {
        if (t < s) partial[t] += partial[t + s];
        BARRIER();
      }
      if (t == 0) out[BLOCK_ID] = partial[0];
    }
    """

  /// y[i] = a · x[offset + i · stride] for i < n, in double, with the geometry passed as a struct.
  static let gatherScale = """
    typedef struct { i64 n; i64 offset; i64 stride; } Geometry;
    KERNEL gather_scale(GLOBAL double *y, GLOBAL const double *x, Geometry g, double a) {
      i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID;
      if (i < g.n) y[i] = a * x[g.offset + i * g.stride];
    }
    """

  /// Does not compile: uses an undeclared name.
  static let broken = """
    KERNEL broken(GLOBAL float *x) { x[0] = undeclared_thing; }
    """

  /// The bytes of a `Geometry` struct (three i64 fields).
  static func geometry(n: Int64, offset: Int64, stride: Int64) -> [UInt8] {
    [n, offset, stride].flatMap { value in withUnsafeBytes(of: value) { Array($0) } }
  }
}
