import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// Sums, products, means and extremes (with their indices) over `dims`.
  func reduce(_ kind: ReductionKind, _ input: Tensor, dims: [Int], values: Tensor?, indices: Tensor?) throws(GPUError) {
    let outputs = [values, indices].compactMap { $0 }
    try checkDevice([input] + outputs, op: kind.rawValue)
    guard input.dtype.kernelType != nil else { throw unsupported(kind.rawValue, "dtype \(input.dtype)") }
    if let values, values.dtype != input.dtype {
      throw unsupported(kind.rawValue, "a \(values.dtype) result of \(input.dtype)")
    }
    let layout = ReductionLayout(input, reducedDims: dims.filter { $0 < input.rank })
    guard layout.fits else { throw unsupported(kind.rawValue, "more than 8 dimensions") }
    guard layout.outerCount > 0, let anyOutput = outputs.first else { return }
    let recipe = KernelRecipes.reduction(kind, input.dtype)
    let functions = try kernels(recipe)
    let splits = Self.splits(outputs: layout.outerCount, perOutput: layout.innerCount)
    let argument = layout.argument(
      offset: input.storageOffset, valuesOffset: values?.storageOffset ?? 0, indicesOffset: indices?.storageOffset ?? 0)
    let (valuesBuffer, indicesBuffer) = ((values ?? anyOutput).storage.data, (indices ?? anyOutput).storage.data)
    let flags: [KernelArgument] = [
      .int64(values == nil ? 0 : 1), .int64(indices == nil ? 0 : 1), .int64(Int64(splits)),
    ]
    guard splits > 1 else {
      return try runtime.launch(
        functions[recipe.names[0]]!, blocks: min(layout.outerCount, LaunchShape.maxBlocks),
        threadsPerBlock: ReductionSource.threadsPerBlock,
        arguments: [.buffer(valuesBuffer), .buffer(indicesBuffer), .buffer(input.storage.data), argument] + flags
          + [.buffer(valuesBuffer), .buffer(indicesBuffer)])
    }
    // Long rows: each output's elements in `splits` parts, each part's accumulator (8 bytes at
    // most) and index to scratch, then one pass that folds the parts in order. The scratch goes
    // back to the cache at once: later work on the same queue runs after these kernels.
    let parts = layout.outerCount * splits
    let partial: UnsafeMutableRawPointer, partialIndex: UnsafeMutableRawPointer
    do {
      partial = try memory.allocate(byteCount: 8 * parts)
      partialIndex = try memory.allocate(byteCount: 8 * parts)
    } catch {
      throw .unsupported(op: kind.rawValue, reason: error.description)
    }
    defer {
      memory.deallocate(partial, byteCount: 8 * parts)
      memory.deallocate(partialIndex, byteCount: 8 * parts)
    }
    try runtime.launch(
      functions[recipe.names[0]]!, blocks: min(parts, LaunchShape.maxBlocks),
      threadsPerBlock: ReductionSource.threadsPerBlock,
      arguments: [.buffer(valuesBuffer), .buffer(indicesBuffer), .buffer(input.storage.data), argument] + flags
        + [.buffer(partial), .buffer(partialIndex)])
    try runtime.launch(
      functions[recipe.names[1]]!, blocks: LaunchShape(count: layout.outerCount).blocks,
      threadsPerBlock: LaunchShape.threadsPerBlock,
      arguments: [.buffer(valuesBuffer), .buffer(indicesBuffer), argument] + flags
        + [.buffer(partial), .buffer(partialIndex)])
  }

  /// How many parts each output's elements split into: enough blocks to fill a GPU (about a
  /// thousand) when there are few outputs with many elements each, never parts under 8192.
  static func splits(outputs: Int, perOutput: Int) -> Int {
    guard outputs < 1024, perOutput >= 16384 else { return 1 }
    return max(1, min(perOutput / 8192, 1024 / max(outputs, 1)))
  }
}
