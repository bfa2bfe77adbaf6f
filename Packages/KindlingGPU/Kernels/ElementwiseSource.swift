/// Kernel source for one elementwise function at one set of dtypes: a flat variant (one merged
/// dimension, no index arithmetic) and a strided one (any layout of up to 8 dimensions).
///
/// A thread of the flat variant takes ``unroll`` elements a block's width apart (neighbouring
/// threads still read neighbouring elements) and loads all of them before it computes and stores
/// any: a load may not move past a store the compiler cannot prove disjoint, so one element per
/// step left a thread one load in flight, and a 64M-element add reached 75 % of an H200's
/// bandwidth (PyTorch: 87 %). Launch it with ``LaunchShape/init(count:perThread:)``.
///
/// Parameters, in order: the output buffer, one buffer per input, the ``KernelLayout`` struct,
/// then `double p0, double p1`.
enum ElementwiseSource {
  /// Elements per thread and step of the flat variant.
  static let unroll = 4

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

    func flatBody() -> String {
      var lines = (0..<unroll).map { "    const i64 i\($0) = i + \($0) * BLOCK_SIZE;" }
      for (k, type) in inputs.enumerated() {
        let input = inputNames[k]
        for u in 0..<unroll {
          lines.append(
            "    \(type) \(input)\(u) = 0; if (i\(u) < L.count) \(input)\(u) = p\(input)[L.offset[\(k + 1)] + i\(u) * L.stride[\(k + 1)][0]];"
          )
        }
      }
      for u in 0..<unroll {
        lines.append("    if (i\(u) < L.count) {")
        for (k, type) in inputs.enumerated() { lines.append("      \(type) \(inputNames[k]) = \(inputNames[k])\(u);") }
        if inputs.count == 1 { lines.append("      \(inputs[0]) x = a; (void)x;") }
        lines.append("      y[L.offset[0] + i\(u) * L.stride[0][0]] = (\(output))(\(expression));")
        lines.append("    }")
      }
      return lines.joined(separator: "\n")
    }

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
        for (i64 i = BLOCK_ID * BLOCK_SIZE * \(unroll) + THREAD_ID; i < L.count; i += BLOCK_SIZE * GRID_SIZE * \(unroll)) {
      \(flatBody())
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
