import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// The value kernels write into the `bad` buffer when every index was in range.
  private static let noBadIndex = Int64.min

  /// Runs `launch` with a fresh one-element `bad` buffer, then reads it back: an index a kernel
  /// reported as out of range becomes the op's error.
  private func checkingIndices(
    op: String, failure: (Int) -> String, _ launch: (UnsafeMutableRawPointer) throws(GPUError) -> Void
  ) throws(GPUError) {
    let flag: UnsafeMutableRawPointer
    do {
      flag = try memory.allocate(byteCount: 8)
    } catch {
      throw .unsupported(op: op, reason: error.description)
    }
    defer { memory.deallocate(flag, byteCount: 8) }
    var value = Self.noBadIndex
    try withUnsafeBytes(of: &value) { bytes throws(GPUError) in
      try runtime.copyToDevice(from: bytes.baseAddress!, to: flag, offset: 0, byteCount: 8)
    }
    try launch(flag)
    try withUnsafeMutableBytes(of: &value) { bytes throws(GPUError) in
      try runtime.copyToHost(from: flag, offset: 0, to: bytes.baseAddress!, byteCount: 8)
    }
    if value != Self.noBadIndex { throw .unsupported(op: op, reason: failure(Int(value))) }
  }

  func gather(
    output: Tensor, source: Tensor, index: Tensor, dimStride: Int, dimSize: Int, wrapsNegative: Bool,
    failure: (Int) -> String
  ) throws(GPUError) {
    try checkDevice([output, source, index], op: "gather")
    guard output.count > 0 else { return }
    let layout = KernelLayout([output, index, source])
    guard layout.fits else { throw unsupported("gather", "a layout of more than 8 dimensions") }
    let recipe = KernelRecipes.gather(KernelRecipes.bits(output.dtype.itemSize))
    let functions = try kernels(recipe)
    let name = recipe.names[0]
    try checkingIndices(op: "gather", failure: failure) { bad throws(GPUError) in
      try runtime.launch(
        functions[name]!, blocks: LaunchShape(count: layout.count).blocks, threadsPerBlock: LaunchShape.threadsPerBlock,
        arguments: [
          .buffer(output.storage.data), .buffer(source.storage.data), .buffer(index.storage.data), layout.argument,
          .int64(Int64(dimStride)), .int64(Int64(dimSize)), .int64(wrapsNegative ? 1 : 0), .buffer(bad),
        ])
    }
  }

  func scatter(
    output: Tensor, source: Tensor, index: Tensor, dimStride: Int, dimSize: Int, addAlpha: Double?,
    failure: (Int) -> String
  ) throws(GPUError) {
    try checkDevice([output, source, index], op: "scatter")
    guard index.count > 0 else { return }
    guard let element = output.dtype.kernelType else { throw unsupported("scatter", "dtype \(output.dtype)") }
    let layout = KernelLayout([output, index, source])
    guard layout.fits else { throw unsupported("scatter", "a layout of more than 8 dimensions") }
    let recipe = KernelRecipes.scatter(element)
    let functions = try kernels(recipe)
    let name = recipe.names[0]
    try checkingIndices(op: "scatter", failure: failure) { bad throws(GPUError) in
      try runtime.launch(
        functions[name]!, blocks: 1, threadsPerBlock: 1,
        arguments: [
          .buffer(output.storage.data), .buffer(source.storage.data), .buffer(index.storage.data), layout.argument,
          .int64(Int64(dimStride)), .int64(Int64(dimSize)), .int64(addAlpha == nil ? 0 : 1), .float64(addAlpha ?? 1),
          .buffer(bad),
        ])
    }
  }
}
