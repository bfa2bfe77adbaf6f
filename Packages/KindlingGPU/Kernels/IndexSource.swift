/// Kernel source for gather and scatter (``DeviceWork/gather`` and ``DeviceWork/scatter``).
///
/// Both take the output, source and int64 index buffers, a ``KernelLayout`` with the slots
/// (output, index, source), the indexed dimension's stride and size, and a one-element int64
/// buffer `bad` where an out-of-range index is reported (the element is then skipped, so nothing
/// is read or written out of bounds).
enum IndexSource {
  /// `y[p] = x[p + k·dimStride]`, k = index[p]; parallel. `element` only needs the right width.
  static func gather(name: String, element: String) -> String {
    KernelLayout.declaration + """
      KERNEL \(name)(GLOBAL \(element) *y, GLOBAL const \(element) *x, GLOBAL const i64 *ix, KLayout L, i64 dimStride,
                     i64 dimSize, i64 wraps, GLOBAL i64 *bad) {
        for (i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID; i < L.count; i += BLOCK_SIZE * GRID_SIZE) {
          \(KernelLayout.offsetWalk(operands: 3))
          i64 k = ix[o1];
          if (k < 0 && wraps) k += dimSize;
          if (k < 0 || k >= dimSize) { bad[0] = ix[o1]; continue; }
          y[o0] = x[o2 + k * dimStride];
        }
      }

      """
  }

  /// `y[p + k·dimStride] = x[p]` (or `+= alpha·x[p]` when `add`), k = index[p], in row-major
  /// order on one thread, so duplicates resolve as on the CPU.
  static func scatter(name: String, element: String) -> String {
    KernelLayout.declaration + """
      KERNEL \(name)(GLOBAL \(element) *y, GLOBAL const \(element) *x, GLOBAL const i64 *ix, KLayout L, i64 dimStride,
                     i64 dimSize, i64 add, double alpha, GLOBAL i64 *bad) {
        if (BLOCK_ID != 0 || THREAD_ID != 0) return;
        for (i64 i = 0; i < L.count; ++i) {
          \(KernelLayout.offsetWalk(operands: 3))
          i64 k = ix[o1];
          if (k < 0 || k >= dimSize) { bad[0] = k; return; }
          i64 t = o0 + k * dimStride;
          if (add) {
            y[t] = alpha == 1.0 ? (\(element))(y[t] + x[o2]) : (\(element))(y[t] + x[o2] * (\(element))alpha);
          } else {
            y[t] = x[o2];
          }
        }
      }

      """
  }
}
