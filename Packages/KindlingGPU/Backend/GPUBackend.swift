import KindlingStorage
import KindlingTensor

#if canImport(Glibc)
  import Glibc
#endif

/// The tensor layer's backend for one GPU: memory from a ``GPUAllocator``, and copies and op
/// kernels through a ``KernelRuntime`` (CUDA, or OpenCL when testing without a GPU).
///
/// Kernels are generated per function and dtype (``ElementwiseSource``, ``ReductionSource``,
/// ``GEMMSource``), compiled on first use and cached.
final class GPUBackend: @unchecked Sendable {
  let runtime: any KernelRuntime
  let device: Device
  let memory: GPUAllocator
  private var mutex = pthread_mutex_t()
  private var compiled: [String: [String: any KernelFunction]] = [:]
  /// Elementwise kernels by what picks them, so the hot path builds no source text or key string.
  private var elementwiseKernels: [ElementwiseKey: (flat: any KernelFunction, strided: any KernelFunction)] = [:]

  init(runtime: any KernelRuntime, device: Device) {
    self.runtime = runtime
    self.device = device
    self.memory = GPUAllocator(device: device, runtime: runtime)
    pthread_mutex_init(&mutex, nil)
  }

  /// The kernels of `recipe`, compiled once.
  func kernels(_ recipe: KernelRecipe) throws(GPUError) -> [String: any KernelFunction] {
    pthread_mutex_lock(&mutex)
    let cached = compiled[recipe.key]
    pthread_mutex_unlock(&mutex)
    if let cached { return cached }
    let functions = try runtime.compile(recipe.source(), kernels: recipe.names)
    pthread_mutex_lock(&mutex)
    compiled[recipe.key] = functions
    pthread_mutex_unlock(&mutex)
    return functions
  }

  /// The (flat, strided) kernels of an elementwise function at dtypes, compiled once; `nil` when
  /// there is no kernel for them.
  func elementwiseKernels(_ function: ElementwiseFunction, inputs: [DType], output: DType) throws(GPUError)
    -> (flat: any KernelFunction, strided: any KernelFunction)?
  {
    let key = ElementwiseKey(function, inputs: inputs, output: output)
    pthread_mutex_lock(&mutex)
    let cached = elementwiseKernels[key]
    pthread_mutex_unlock(&mutex)
    if let cached { return cached }
    guard let recipe = KernelRecipes.elementwise(function, inputs: inputs, output: output) else { return nil }
    let functions = try kernels(recipe)
    let pair = (flat: functions[recipe.names[0]]!, strided: functions[recipe.names[1]]!)
    pthread_mutex_lock(&mutex)
    elementwiseKernels[key] = pair
    pthread_mutex_unlock(&mutex)
    return pair
  }

  /// Copies bytes between the host and this device, or within the device.
  func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, on sourceDevice: Device,
    to destination: UnsafeMutableRawPointer, offset destinationOffset: Int, on destinationDevice: Device, byteCount: Int
  ) throws(GPUError) {
    guard byteCount > 0 else { return }
    switch (sourceDevice == .cpu, destinationDevice == .cpu) {
    case (true, false):
      try runtime.copyToDevice(
        from: source + sourceOffset, to: destination, offset: destinationOffset, byteCount: byteCount)
    case (false, true):
      try runtime.copyToHost(
        from: source, offset: sourceOffset, to: destination + destinationOffset, byteCount: byteCount)
    case (false, false):
      try runtime.copy(
        from: source, offset: sourceOffset, to: destination, offset: destinationOffset, byteCount: byteCount)
    case (true, true):
      (destination + destinationOffset).copyMemory(from: source + sourceOffset, byteCount: byteCount)
    }
  }

  /// Runs one op's work.
  func run(_ work: DeviceWork) throws(GPUError) {
    switch work {
    case .map(let function, let input, let output): try elementwise(function, [input], output)
    case .zip(let function, let a, let b, let output): try elementwise(function, [a, b], output)
    case .select(let condition, let a, let b, let output):
      try elementwise(ElementwiseFunction(name: "where"), [condition, a, b], output)
    case .fill(let output, let value): try fill(output, value)
    case .im2col(let image, let columns, let g):
      try window(
        "im2col", op: "im2col", columns, image, geometry: g, count: g.batch * g.columnRows * g.columnCount,
        tensors: [image, columns])
    case .col2im(let columns, let image, let g):
      try window(
        "col2im", op: "col2im", image, columns, geometry: g, count: g.batch * g.channels * g.height * g.width,
        tensors: [image, columns])
    case .maxPool(let input, let values, let indices, let g):
      try window(
        "maxPool", op: "max_pool2d", values, indices,
        extra: [.int64(Int64(indices.storageOffset)), .buffer(input.storage.data)],
        offsets: (values.storageOffset, input.storageOffset), geometry: g, count: g.batch * g.channels * g.columnCount,
        tensors: [input, values, indices])
    case .maxPoolBackward(let grad, let indices, let gradInput, let g):
      try window(
        "maxPoolBackward", op: "max_pool2d_with_indices_backward", gradInput, grad,
        extra: [.buffer(indices.storage.data), .int64(Int64(indices.storageOffset))], geometry: g,
        count: g.batch * g.channels * g.height * g.width, tensors: [grad, indices, gradInput])
    case .gather(let output, let source, let index, let dimStride, let dimSize, let wraps, let failure):
      try gather(
        output: output, source: source, index: index, dimStride: dimStride, dimSize: dimSize, wrapsNegative: wraps,
        failure: failure)
    case .scatter(let output, let source, let index, let dimStride, let dimSize, let alpha, let failure):
      try scatter(
        output: output, source: source, index: index, dimStride: dimStride, dimSize: dimSize, addAlpha: alpha,
        failure: failure)
    case .reduce(let kind, let input, let dims, let values, let indices):
      try reduce(kind, input, dims: dims, values: values, indices: indices)
    case .matmul(let a, let b, let output, let alpha, let beta): try matmul(a, b, output, alpha: alpha, beta: beta)
    }
  }

  /// Stops work that names a tensor of another device (the tensor layer checks this first).
  func checkDevice(_ tensors: [Tensor], op: String) throws(GPUError) {
    for t in tensors where t.device != device {
      throw .unsupported(op: op, reason: "expected every tensor on \(device), but one is on \(t.device)")
    }
  }

  /// The message for a dtype or function the kernels lack.
  func unsupported(_ op: String, _ what: String) -> GPUError {
    .unsupported(
      op: op,
      reason:
        "\(what) has no \(device.kind == .cuda ? "CUDA" : "device") kernel in Kindling yet. Move the tensors to the "
        + "CPU with .to(.cpu) for this op.")
  }
}
