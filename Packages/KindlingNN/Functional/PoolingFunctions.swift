/// 2-d max pooling (PyTorch's `F.max_pool2d`): the largest value of each window.
///
/// - Parameters:
///   - input: `[N, C, H, W]` or `[C, H, W]`.
///   - kernelSize: `[k]` or `[kH, kW]`.
///   - stride: defaults to `kernelSize`.
///   - padding: implicit `-inf` on both sides, at most half the (dilated) window.
///   - dilation: the step between window elements.
///   - ceilMode: round the output size up, so a last partial window that starts inside the
///     input (or its left padding) is kept.
/// - Returns: `[N, C, Hout, Wout]`, `Hout = ⌊(H + 2·padH - dilationH·(kH-1) - 1) / strideH⌋ + 1`.
///
/// ```swift
/// let y = maxPool2d(Tensor.randn([64, 32, 26, 26]), kernelSize: [2])   // [64, 32, 13, 13]
/// ```
///
/// NaN wins a window. The gradient goes to each window's argmax (`MaxPool2DWithIndicesBackward0`).
public func maxPool2d(
  _ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
  ceilMode: Bool = false
) -> Tensor {
  maxPool2dWithIndices(
    input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode
  ).output
}

/// ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)`` that also returns each window's
/// argmax as an int64 index `h·W + w` into its input plane (`return_indices=True`; these are the
/// indices `MaxUnpool2d` takes).
///
/// ```swift
/// let (y, indices) = maxPool2dWithIndices(Tensor([[[[1.0, 3], [2, 0]]]]), kernelSize: [2])   // y 3, indices 1
/// ```
public func maxPool2dWithIndices(
  _ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
  ceilMode: Bool = false
) -> (output: Tensor, indices: Tensor) {
  let spec = PoolSpec(
    op: "max_pool2d", kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
  let (geometry, planes, outShape) = spec.geometry(for: input)
  let x = denseCopy(input)
  if input.device != .cpu {
    return maxPoolOnDevice(input, x, geometry: geometry, planes: planes, outputShape: outShape)
  }
  let output = Tensor(uninitializedShape: outShape, dtype: input.dtype)
  let indices = Tensor(uninitializedShape: outShape, dtype: .int64)
  let pi = indices.elements(as: Int64.self)
  floatKernel(
    input.dtype, op: "max_pool2d",
    float: { geometry.maxForward(x.elements(as: Float.self), output.elements(as: Float.self), pi, planes: planes) },
    double: { geometry.maxForward(x.elements(as: Double.self), output.elements(as: Double.self), pi, planes: planes) })
  attachPoolBackward(input, output, name: "MaxPool2DWithIndicesBackward0") { grad, gradInput in
    let pi = indices.elements(as: Int64.self)
    floatKernel(
      grad.dtype, op: "max_pool2d_with_indices_backward",
      float: {
        geometry.maxBackward(grad.elements(as: Float.self), pi, gradInput.elements(as: Float.self), planes: planes)
      },
      double: {
        geometry.maxBackward(grad.elements(as: Double.self), pi, gradInput.elements(as: Double.self), planes: planes)
      })
  }
  return (output, indices)
}

/// 1-d max pooling (PyTorch's `F.max_pool1d`) over the last dimension of `[N, C, L]` or `[C, L]`;
/// the arguments are ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)``'s, one value
/// each.
///
/// ```swift
/// let y = maxPool1d(Tensor.randn([8, 4, 100]), kernelSize: 2)   // [8, 4, 50]
/// ```
public func maxPool1d(
  _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false
) -> Tensor {
  maxPool1dWithIndices(
    input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode
  ).output
}

/// ``maxPool1d(_:kernelSize:stride:padding:dilation:ceilMode:)`` with each window's argmax
/// (an int64 position along the last dimension).
public func maxPool1dWithIndices(
  _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false
) -> (output: Tensor, indices: Tensor) {
  checkPool1dInput(input, op: "max_pool1d")
  let (output, indices) = maxPool2dWithIndices(
    input.unsqueeze(-2), kernelSize: [1, kernelSize], stride: [1, stride ?? kernelSize], padding: [0, padding],
    dilation: [1, dilation], ceilMode: ceilMode)
  return (output.squeeze(-2), indices.squeeze(-2))
}

/// 2-d average pooling (PyTorch's `F.avg_pool2d`): the mean of each window.
///
/// - Parameters:
///   - input: `[N, C, H, W]` or `[C, H, W]`.
///   - kernelSize, stride, padding, ceilMode: as in ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)``
///     (padding adds zeros, at most half the window).
///   - countIncludePad: divide by the window's size including padded zeros (default) or by the
///     number of input elements it covers.
///   - divisorOverride: divide every window by this instead.
///
/// ```swift
/// let y = avgPool2d(Tensor.ones([1, 1, 4, 4]), kernelSize: [2])   // [1, 1, 2, 2] of 1s
/// ```
///
/// The gradient spreads each window's gradient evenly over it (`AvgPool2DBackward0`).
public func avgPool2d(
  _ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
  countIncludePad: Bool = true, divisorOverride: Int? = nil
) -> Tensor {
  precondition(divisorOverride != 0, "avg_pool2d: divisor must be not zero")
  let spec = PoolSpec(
    op: "avg_pool2d", kernelSize: kernelSize, stride: stride, padding: padding, dilation: [1], ceilMode: ceilMode)
  let (geometry, planes, outShape) = spec.geometry(for: input)
  let x = denseCopy(input)
  let output = Tensor(uninitializedShape: outShape, dtype: input.dtype)
  func run<T: KernelFloat>(_ source: Tensor, _ target: Tensor, backward: Bool, _: T.Type) {
    geometry.average(
      source.elements(as: T.self), target.elements(as: T.self), planes: planes, countIncludePad: countIncludePad,
      divisorOverride: divisorOverride, backward: backward)
  }
  floatKernel(
    input.dtype, op: "avg_pool2d", float: { run(x, output, backward: false, Float.self) },
    double: { run(x, output, backward: false, Double.self) })
  attachPoolBackward(input, output, name: "AvgPool2DBackward0") { grad, gradInput in
    floatKernel(
      grad.dtype, op: "avg_pool2d_backward", float: { run(grad, gradInput, backward: true, Float.self) },
      double: { run(grad, gradInput, backward: true, Double.self) })
  }
  return output
}

/// 1-d average pooling (PyTorch's `F.avg_pool1d`) over the last dimension of `[N, C, L]` or
/// `[C, L]`, with ``avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)``'s
/// arguments, one value each.
///
/// ```swift
/// let y = avgPool1d(Tensor.ones([2, 3, 10]), kernelSize: 2)   // [2, 3, 5] of 1s
/// ```
public func avgPool1d(
  _ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
  countIncludePad: Bool = true
) -> Tensor {
  checkPool1dInput(input, op: "avg_pool1d")
  return avgPool2d(
    input.unsqueeze(-2), kernelSize: [1, kernelSize], stride: [1, stride ?? kernelSize], padding: [0, padding],
    ceilMode: ceilMode, countIncludePad: countIncludePad
  ).squeeze(-2)
}

/// 2-d adaptive average pooling (PyTorch's `F.adaptive_avg_pool2d`): output cell `(i, j)`
/// averages rows `⌊i·H/outH⌋ ..< ⌈(i+1)·H/outH⌉` and the columns alike, so any input size maps
/// to `outputSize`.
///
/// - Parameters:
///   - input: `[N, C, H, W]` or `[C, H, W]`.
///   - outputSize: `[outH, outW]`; `nil` keeps that input size (PyTorch's `None`).
///
/// ```swift
/// let y = adaptiveAvgPool2d(Tensor.randn([8, 512, 7, 7]), outputSize: [1, 1])   // [8, 512, 1, 1]
/// ```
///
/// `[1, 1]` is a mean over the last two dimensions (`MeanBackward1`, as in PyTorch); otherwise
/// the gradient is `AdaptiveAvgPool2DBackward0`.
public func adaptiveAvgPool2d(_ input: Tensor, outputSize: [Int?]) -> Tensor {
  let op = "adaptive_avg_pool2d"
  precondition(outputSize.count == 2, "\(op): output_size must be 2")
  precondition(
    input.rank == 3 || input.rank == 4, "\(op)(): Expected 3D or 4D tensor, but got \(shapeText(input.shape))")
  for d in (input.rank - 3)..<input.rank where input.shape[d] == 0 {
    preconditionFailure(
      "\(op)(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(shapeText(input.shape)) with dimension \(d) being empty"
    )
  }
  let height = input.shape[input.rank - 2], width = input.shape[input.rank - 1]
  let outH = outputSize[0] ?? height, outW = outputSize[1] ?? width
  precondition(
    outH >= 0 && outW >= 0,
    "\(op): elements of output_size must be greater than or equal to 0 but received {\(outH), \(outW)}")
  _ = floatKernel(input.dtype, op: op, float: {}, double: {})
  if outH == 1 && outW == 1 { return input.mean(dims: [-1, -2], keepDim: true) }
  let geometry = PoolGeometry.adaptive(height: height, width: width, outH: outH, outW: outW)
  let planes = input.shape.dropLast(2).reduce(1, *)
  let x = denseCopy(input)
  let output = Tensor(uninitializedShape: input.shape.dropLast(2) + [outH, outW], dtype: input.dtype)
  func run<T: KernelFloat>(_ source: Tensor, _ target: Tensor, backward: Bool, _: T.Type) {
    geometry.adaptiveAverage(
      source.elements(as: T.self), target.elements(as: T.self), planes: planes, backward: backward)
  }
  floatKernel(
    input.dtype, op: op, float: { run(x, output, backward: false, Float.self) },
    double: { run(x, output, backward: false, Double.self) })
  attachPoolBackward(input, output, name: "AdaptiveAvgPool2DBackward0") { grad, gradInput in
    floatKernel(
      grad.dtype, op: "adaptive_avg_pool2d_backward", float: { run(grad, gradInput, backward: true, Float.self) },
      double: { run(grad, gradInput, backward: true, Double.self) })
  }
  return output
}

/// Max pooling on a device: the backend's window kernels, the same node as on the CPU.
private func maxPoolOnDevice(
  _ input: Tensor, _ x: Tensor, geometry g: PoolGeometry, planes: Int, outputShape: [Int]
) -> (output: Tensor, indices: Tensor) {
  let window = WindowGeometry(
    batch: planes, channels: 1, height: g.height, width: g.width, kernelH: g.kernelH, kernelW: g.kernelW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft, dilationH: g.dilationH,
    dilationW: g.dilationW, outH: g.outH, outW: g.outW)
  let output = Tensor(uninitializedShape: outputShape, dtype: input.dtype, device: input.device)
  let indices = Tensor(uninitializedShape: outputShape, dtype: .int64, device: input.device)
  DeviceRegistry.run(.maxPool(input: x, values: output, indices: indices, window: window), on: input.device)
  attachPoolBackward(input, output, name: "MaxPool2DWithIndicesBackward0") { grad, gradInput in
    DeviceRegistry.run(
      .maxPoolBackward(grad: grad, indices: indices, gradInput: gradInput, window: window), on: grad.device)
  }
  return (output, indices)
}

/// Attaches a pooling node whose backward fills a fresh input-shaped gradient with `kernel(grad,
/// gradInput)` (`grad` contiguous). Double backward is not supported: the kernel reads raw memory.
private func attachPoolBackward(
  _ input: Tensor, _ output: Tensor, name: String, kernel: @escaping (Tensor, Tensor) -> Void
) {
  guard GradMode.isEnabled, input.requiresGrad else { return }
  let shape = input.shape, dtype = input.dtype
  output.gradFn = GraphNode(
    name: name, inputs: [input], output: output,
    backward: { grad, node in
      guard node.hasEdge(0) else { return [nil] }
      let gradInput = Tensor(uninitializedShape: shape, dtype: dtype, device: grad.device)
      kernel(denseCopy(grad), gradInput)
      return [gradInput]
    })
}

/// The rank check of the 1-d pools, with PyTorch's message.
private func checkPool1dInput(_ input: Tensor, op: String) {
  precondition(
    input.rank == 2 || input.rank == 3,
    "\(op): Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:\(shapeText(input.shape))"
  )
}

/// The arguments of a 2-d max or average pool, checked and turned into a window layout.
struct PoolSpec {
  let op: String
  let kernelSize: [Int]
  let stride: [Int]?
  let padding: [Int]
  let dilation: [Int]
  let ceilMode: Bool

  private func pair(_ values: [Int], _ what: String) -> [Int] {
    precondition(values.count == 1 || values.count == 2, "\(op): \(what)")
    return values.count == 1 ? [values[0], values[0]] : values
  }

  /// The layout for `input` (`[N, C, H, W]` or `[C, H, W]`), the number of planes and the
  /// output shape; stops with PyTorch's messages on bad arguments.
  func geometry(for input: Tensor) -> (PoolGeometry, planes: Int, outputShape: [Int]) {
    let kernel = pair(kernelSize, "kernel_size must either be a single int, or a tuple of two ints")
    let stride =
      (self.stride?.isEmpty ?? true)
      ? kernel
      : pair(self.stride!, "stride must either be omitted, a single int, or a tuple of two ints")
    let padding = pair(padding, "padding must either be a single int, or a tuple of two ints")
    let dilation = pair(dilation, "dilation must be either a single int, or a tuple of two ints")
    precondition(
      (input.rank == 3 || input.rank == 4) && input.shape.suffix(3).allSatisfy { $0 > 0 },
      "\(op): Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:\(shapeText(input.shape))"
    )
    precondition(stride.allSatisfy { $0 != 0 }, "\(op): stride should not be zero")
    precondition(
      padding.allSatisfy { $0 >= 0 }, "\(op): pad must be non-negative, but got pad: \(padding.first { $0 < 0 }!)")
    precondition(
      kernel.allSatisfy { $0 > 0 },
      "\(op): kernel size should be greater than zero, but got kH: \(kernel[0]) kW: \(kernel[1])")
    precondition(
      stride.allSatisfy { $0 > 0 },
      "\(op): stride should be greater than zero, but got dH: \(stride[0]) dW: \(stride[1])")
    precondition(
      dilation.allSatisfy { $0 > 0 },
      "\(op): dilation should be greater than zero, but got dilationH: \(dilation[0]) dilationW: \(dilation[1])")
    for d in 0..<2 where padding[d] > ((kernel[d] - 1) * dilation[d] + 1) / 2 {
      preconditionFailure(
        "\(op): pad should be at most half of effective kernel size, but got pad=\(padding[d]), kernel_size=\(kernel[d]) and dilation=\(dilation[d])"
      )
    }
    let spatial = Array(input.shape.suffix(2))
    let out = (0..<2).map { d in
      let span = spatial[d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1 + (ceilMode ? stride[d] - 1 : 0)
      var size = (span >= 0 ? span / stride[d] : -((-span + stride[d] - 1) / stride[d])) + 1
      if ceilMode && (size - 1) * stride[d] >= spatial[d] + padding[d] { size -= 1 }
      return size
    }
    let channels = input.shape[input.rank - 3]
    precondition(
      out.allSatisfy { $0 >= 1 },
      "\(op): Given input size: (\(channels)x\(spatial[0])x\(spatial[1])). Calculated output size: (\(channels)x\(out[0])x\(out[1])). Output size is too small"
    )
    let geometry = PoolGeometry(
      height: spatial[0], width: spatial[1], kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0],
      strideW: stride[1], padTop: padding[0], padLeft: padding[1], dilationH: dilation[0], dilationW: dilation[1],
      outH: out[0], outW: out[1])
    return (geometry, input.shape.dropLast(2).reduce(1, *), input.shape.dropLast(2) + out)
  }
}
