import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// Sums, products, means and extremes (with their indices) over `dims`.
  func reduce(_ kind: ReductionKind, _ input: Tensor, dims: [Int], values: Tensor?, indices: Tensor?) throws(GPUError) {
    let outputs = [values, indices].compactMap { $0 }
    try checkDevice([input] + outputs, op: kind.rawValue)
    guard input.dtype.kernelType != nil else { throw unsupported(kind.rawValue, "dtype \(input.dtype)") }
    if let values, values.dtype != input.dtype { throw unsupported(kind.rawValue, "a \(values.dtype) result of \(input.dtype)") }
    let layout = ReductionLayout(input, reducedDims: dims.filter { $0 < input.rank })
    guard layout.fits else { throw unsupported(kind.rawValue, "more than 8 dimensions") }
    guard layout.outerCount > 0, let anyOutput = outputs.first else { return }
    let recipe = KernelRecipes.reduction(kind, input.dtype)
    let functions = try kernels(recipe)
    let name = recipe.names[0]
    let argument = layout.argument(
      offset: input.storageOffset, valuesOffset: values?.storageOffset ?? 0, indicesOffset: indices?.storageOffset ?? 0)
    try runtime.launch(
      functions[name]!, blocks: min(layout.outerCount, LaunchShape.maxBlocks),
      threadsPerBlock: ReductionSource.threadsPerBlock,
      arguments: [
        .buffer((values ?? anyOutput).storage.data), .buffer((indices ?? anyOutput).storage.data),
        .buffer(input.storage.data), argument, .int64(values == nil ? 0 : 1), .int64(indices == nil ? 0 : 1),
      ])
  }
}
