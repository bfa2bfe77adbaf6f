/// Kernel source for one elementwise function at one set of dtypes: a flat variant (one merged
/// dimension, no index arithmetic) and a strided one (any layout of up to 8 dimensions).
///
/// Parameters, in order: the output buffer, one buffer per input, the ``KernelLayout`` struct,
/// then `double p0, double p1`.
enum ElementwiseSource {
  /// The kernels' names for a source made with `name`.
  static func names(_ name: String) -> (flat: String, strided: String) { ("\(name)_flat", "\(name)_strided") }

  /// `name` must be a C identifier; `expression` reads `a`, `b`, `c` (and `x`, the same as `a`).
  static func make(name: String, expression: String, output: String, inputs: [String]) -> String {
    let (flat, strided) = names(name)
    let inputNames = ["a", "b", "c"]
    var parameters = ["GLOBAL \(output) *y"]
    for (k, type) in inputs.enumerated() { parameters.append("GLOBAL const \(type) *p\(inputNames[k])") }
    parameters += ["KLayout L", "double p0", "double p1"]
    let signature = parameters.joined(separator: ", ")

    func body(offset: (Int) -> String) -> String {
      var lines: [String] = []
      for (k, type) in inputs.enumerated() {
        lines.append("    \(type) \(inputNames[k]) = p\(inputNames[k])[\(offset(k + 1))];")
      }
      if inputs.count == 1 { lines.append("    \(inputs[0]) x = a; (void)x;") }
      lines.append("    y[\(offset(0))] = (\(output))(\(expression));")
      return lines.joined(separator: "\n")
    }

    return KernelLayout.declaration + """
      KERNEL \(flat)(\(signature)) {
        (void)p0; (void)p1;
        for (i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID; i < L.count; i += BLOCK_SIZE * GRID_SIZE) {
      \(body { "L.offset[\($0)] + i * L.stride[\($0)][0]" })
        }
      }

      KERNEL \(strided)(\(signature)) {
        (void)p0; (void)p1;
        for (i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID; i < L.count; i += BLOCK_SIZE * GRID_SIZE) {
          \(KernelLayout.offsetWalk(operands: inputs.count + 1))
      \(body { "o\($0)" })
        }
      }

      """
  }

  /// Fills every element of the output with `v` (floating point) or `iv` (integers, exactly).
  static func fill(name: String, output: String, integer: Bool, bool: Bool) -> String {
    let value = bool ? "(u8)(v != 0.0)" : (integer ? "(\(output))iv" : "(\(output))v")
    return KernelLayout.declaration + """
      KERNEL \(name)(GLOBAL \(output) *y, KLayout L, double v, i64 iv) {
        (void)v; (void)iv;
        for (i64 i = BLOCK_ID * BLOCK_SIZE + THREAD_ID; i < L.count; i += BLOCK_SIZE * GRID_SIZE) {
          \(KernelLayout.offsetWalk(operands: 1))
          y[o0] = \(value);
        }
      }

      """
  }
}
