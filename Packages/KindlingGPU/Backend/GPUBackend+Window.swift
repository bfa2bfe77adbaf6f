import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// Runs the sliding-window kernel `kind` with buffers `a`, `b` and `extra` arguments, then the
  /// geometry struct carrying `offsets` (by default those of `a` and `b`); one thread per `count`
  /// element.
  func window(
    _ kind: String, op: String, _ a: Tensor, _ b: Tensor, extra: [KernelArgument] = [], offsets: (Int, Int)? = nil,
    geometry: WindowGeometry, count: Int, tensors: [Tensor]
  ) throws(GPUError) {
    try checkDevice(tensors, op: op)
    guard count > 0 else { return }
    guard a.dtype == .float32 || a.dtype == .float64, tensors.allSatisfy(\.isContiguous) else {
      throw unsupported(op, "\(op) on \(a.dtype) or non-contiguous tensors")
    }
    let recipe = KernelRecipes.window(kind, a.dtype.kernelType!)
    let functions = try kernels(recipe)
    try runtime.launch(
      functions[recipe.names[0]]!, blocks: LaunchShape(count: count).blocks,
      threadsPerBlock: LaunchShape.threadsPerBlock,
      arguments: [.buffer(a.storage.data), .buffer(b.storage.data)] + extra
        + [geometry.argument(offsetA: offsets?.0 ?? a.storageOffset, offsetB: offsets?.1 ?? b.storageOffset)])
  }
}
