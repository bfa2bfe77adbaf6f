import KindlingStorage
import KindlingTensor

extension GPUBackend {
  /// `output[i] = f(inputs…[i])` through the generated elementwise kernels.
  func elementwise(_ function: ElementwiseFunction, _ inputs: [Tensor], _ output: Tensor) throws(GPUError) {
    try checkDevice(inputs + [output], op: function.name)
    guard output.count > 0 else { return }
    let compute = inputs[inputs.count - 1].dtype
    let types = inputs.map(\.dtype)
    guard inputs.allSatisfy({ $0.dtype == compute }) || function.name == "Cast" || function.name == "where",
      let (flat, strided) = try elementwiseKernels(function, inputs: types, output: output.dtype)
    else { throw unsupported(function.name, "\(function.name) on \(types) giving \(output.dtype)") }
    let layout = KernelLayout([output] + inputs)
    guard layout.fits else { throw unsupported(function.name, "a layout of more than 8 dimensions") }
    let p = function.parameters
    var arguments: [KernelArgument] = [.buffer(output.storage.data)]
    arguments += inputs.map { .buffer($0.storage.data) }
    arguments += [layout.argument, .float64(p.count > 0 ? p[0] : 0), .float64(p.count > 1 ? p[1] : 0)]
    let shape =
      layout.isFlat
      ? LaunchShape(count: layout.count, perThread: ElementwiseSource.unroll) : LaunchShape(count: layout.count)
    try runtime.launch(
      layout.isFlat ? flat : strided, blocks: shape.blocks, threadsPerBlock: LaunchShape.threadsPerBlock,
      arguments: arguments)
  }

  /// Sets every element of `output` to `value`, as `fill_` converts it.
  func fill(_ output: Tensor, _ value: Double) throws(GPUError) {
    try checkDevice([output], op: "fill_")
    guard output.count > 0 else { return }
    guard let type = output.dtype.kernelType else { throw unsupported("fill_", "dtype \(output.dtype)") }
    let layout = KernelLayout([output])
    guard layout.fits else { throw unsupported("fill_", "a layout of more than 8 dimensions") }
    let recipe = KernelRecipes.fill(output.dtype)
    let functions = try kernels(recipe)
    let name = recipe.names[0]
    let integer = Int64(exactly: value.rounded(.towardZero)) ?? 0
    try runtime.launch(
      functions[name]!, blocks: LaunchShape(count: layout.count).blocks, threadsPerBlock: LaunchShape.threadsPerBlock,
      arguments: [.buffer(output.storage.data), layout.argument, .float64(value), .int64(integer)])
  }
}
