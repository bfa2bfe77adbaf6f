/// A 1-d convolution (PyTorch's `F.conv1d`), over the last dimension.
///
/// - Parameters:
///   - input: `[N, Cin, L]`, or `[Cin, L]` unbatched.
///   - weight: `[Cout, Cin/groups, K]`.
///   - bias: `[Cout]`, optional.
///   - stride, dilation: one value (as PyTorch accepts an int or a 1-tuple).
///   - padding: an int, `.valid` or `.same` (see ``ConvPadding``).
///   - groups: the channels split into this many independent groups.
/// - Returns: `[N, Cout, Lout]` with `Lout = (L + 2·padding - dilation·(K-1) - 1) / stride + 1`.
///
/// ```swift
/// let y = conv1d(Tensor.randn([8, 3, 100]), weight: Tensor.randn([16, 3, 5]), padding: 2)   // [8, 16, 100]
/// ```
///
/// Gradients reach input, weight and bias (`ConvolutionBackward0`); double backward is not
/// supported (the backward runs raw im2col/GEMM kernels).
public func conv1d(
  _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: ConvPadding = 0,
  dilation: [Int] = [1], groups: Int = 1
) -> Tensor {
  convolution(
    input, weight: weight, bias: bias,
    ConvSpec(op: "conv1d", spatialRank: 1, transposed: false, stride: stride, padding: padding,
             outputPadding: [0], dilation: dilation, groups: groups))
}

/// A 2-d convolution (PyTorch's `F.conv2d`): cross-correlation of each output channel's kernel
/// with the input planes of its group, computed as im2col + one GEMM per sample and group.
///
/// - Parameters:
///   - input: `[N, Cin, H, W]`, or `[Cin, H, W]` unbatched.
///   - weight: `[Cout, Cin/groups, kH, kW]`.
///   - bias: `[Cout]`, optional.
///   - stride, dilation: one value for both dimensions or `[h, w]`.
///   - padding: `1`, `[1, 2]`, `.valid` or `.same` (see ``ConvPadding``).
///   - groups: `Cin` and `Cout` split into this many groups (`groups == Cin` is depthwise).
/// - Returns: `[N, Cout, Hout, Wout]`, `Hout = (H + 2·padH - dilationH·(kH-1) - 1) / strideH + 1`.
///
/// ```swift
/// let x = Tensor.randn([64, 32, 28, 28])
/// let y = conv2d(x, weight: Tensor.randn([64, 32, 3, 3]), bias: Tensor.zeros([64]))   // [64, 64, 26, 26]
/// ```
///
/// float32 and float64. Gradients reach input, weight and bias (`ConvolutionBackward0`); double
/// backward is not supported (the backward runs raw im2col/GEMM kernels).
public func conv2d(
  _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: ConvPadding = 0,
  dilation: [Int] = [1], groups: Int = 1
) -> Tensor {
  convolution(
    input, weight: weight, bias: bias,
    ConvSpec(op: "conv2d", spatialRank: 2, transposed: false, stride: stride, padding: padding,
             outputPadding: [0], dilation: dilation, groups: groups))
}

/// A 2-d transposed convolution (PyTorch's `F.conv_transpose2d`), the adjoint of
/// ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``: each input pixel scatters its
/// kernel-weighted values into the output.
///
/// - Parameters:
///   - input: `[N, Cin, H, W]`, or `[Cin, H, W]` unbatched.
///   - weight: `[Cin, Cout/groups, kH, kW]`.
///   - bias: `[Cout]`, optional.
///   - stride, padding, outputPadding, dilation: one value or `[h, w]`; `outputPadding` adds
///     rows/columns at the end and must be smaller than the stride or the dilation.
/// - Returns: `[N, Cout, Hout, Wout]`,
///   `Hout = (H-1)·strideH - 2·padH + dilationH·(kH-1) + outputPaddingH + 1`.
///
/// ```swift
/// let up = convTranspose2d(Tensor.randn([1, 16, 7, 7]), weight: Tensor.randn([16, 8, 4, 4]), stride: [2], padding: [1])
/// // [1, 8, 14, 14]
/// ```
///
/// float32 and float64. Gradients reach input, weight and bias (`ConvolutionBackward0`); double
/// backward is not supported.
public func convTranspose2d(
  _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
  outputPadding: [Int] = [0], groups: Int = 1, dilation: [Int] = [1]
) -> Tensor {
  convolution(
    input, weight: weight, bias: bias,
    ConvSpec(op: "conv_transpose2d", spatialRank: 2, transposed: true, stride: stride, padding: .explicit(padding),
             outputPadding: outputPadding, dilation: dilation, groups: groups))
}

/// The arguments of one convolution call, as given.
struct ConvSpec {
  let op: String
  let spatialRank: Int
  let transposed: Bool
  let stride: [Int]
  let padding: ConvPadding
  let outputPadding: [Int]
  let dilation: [Int]
  let groups: Int
}

/// Checks the arguments as PyTorch does (in its order, with its messages), then runs the kernel
/// and attaches the backward.
func convolution(_ input: Tensor, weight: Tensor, bias: Tensor?, _ spec: ConvSpec) -> Tensor {
  let op = spec.op, dims = spec.spatialRank
  precondition(
    input.rank == dims + 1 || input.rank == dims + 2,
    "\(op): Expected \(dims + 1)D (unbatched) or \(dims + 2)D (batched) input to \(op), but got input of size: \(shapeText(input.shape))"
  )
  if input.rank == dims + 1 { return convolution(input.unsqueeze(0), weight: weight, bias: bias, spec).squeeze(0) }
  precondition(
    weight.rank == input.rank,
    "\(op): Expected \(weight.rank)-dimensional input for \(weight.rank)-dimensional weight \(shapeText(weight.shape)), but got \(input.rank)-dimensional input of size \(shapeText(input.shape)) instead"
  )
  let stride = expandedSizes(spec.stride, count: dims, name: "stride", op: op)
  let dilation = expandedSizes(spec.dilation, count: dims, name: "dilation", op: op)
  let outputPadding = expandedSizes(spec.outputPadding, count: dims, name: "output_padding", op: op)
  let kernel = Array(weight.shape.suffix(dims)), spatial = Array(input.shape.suffix(dims))
  let (padBefore, padTotal) = resolvedPadding(spec, kernel: kernel, stride: stride, dilation: dilation)
  precondition(stride.allSatisfy { $0 > 0 }, "\(op): non-positive stride is not supported")
  precondition(padBefore.allSatisfy { $0 >= 0 }, "\(op): negative padding is not supported")
  precondition(dilation.allSatisfy { $0 > 0 }, "\(op): dilation should be greater than zero, but got \(dilation)")
  precondition(spec.groups > 0, "\(op): non-positive groups is not supported")
  let groups = spec.groups
  precondition(
    weight.shape[0] >= groups,
    "\(op): Given groups=\(groups), expected weight to be at least \(groups) at dimension 0, but got weight of size \(shapeText(weight.shape)) instead"
  )
  precondition(
    weight.shape[0] % groups == 0,
    "\(op): Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(shapeText(weight.shape))] instead"
  )
  let inputChannels = spec.transposed ? weight.shape[0] : weight.shape[1] * groups
  let outputChannels = spec.transposed ? weight.shape[1] * groups : weight.shape[0]
  let given = spec.transposed ? "Given transposed=1, weight" : "Given groups=\(groups), weight"
  precondition(
    input.shape[1] == inputChannels,
    "\(op): \(given) of size \(shapeText(weight.shape)), expected input\(shapeText(input.shape)) to have \(inputChannels) channels, but got \(input.shape[1]) channels instead"
  )
  if let bias {
    precondition(
      bias.rank == 1 && bias.shape[0] == outputChannels,
      "\(op): Given \(spec.transposed ? "transposed=1, " : "")weight of size \(shapeText(weight.shape)), expected bias to be 1-dimensional with \(outputChannels) elements, but got bias of size \(shapeText(bias.shape)) instead"
    )
  }
  precondition(
    weight.dtype == input.dtype,
    "\(op): expected scalar type \(input.dtype.pytorchTitle) but found \(weight.dtype.pytorchTitle)")
  if let bias {
    precondition(
      bias.dtype == input.dtype,
      "\(op): Input type (\(input.dtype.pytorchTitle.lowercased())) and bias type (\(bias.dtype.pytorchTitle.lowercased())) should be the same"
    )
  }

  var outSpatial: [Int]
  if spec.transposed {
    for d in 0..<dims where !(outputPadding[d] < stride[d] || outputPadding[d] < dilation[d]) {
      let axes = dims == 2 ? ["height", "width"] : ["width"]
      let parts = [("output_padding", outputPadding), ("stride", stride), ("dilation", dilation)].flatMap { name, v in
        axes.indices.map { "\(name)_\(axes[$0]): \(v[$0])" }
      }
      preconditionFailure("\(op): output padding must be smaller than either stride or dilation, but got \(parts.joined(separator: " "))")
    }
    outSpatial = (0..<dims).map {
      (spatial[$0] - 1) * stride[$0] - padTotal[$0] + dilation[$0] * (kernel[$0] - 1) + outputPadding[$0] + 1
    }
    precondition(
      outSpatial.allSatisfy { $0 > 0 },
      "\(op): Given input size per channel: \(sizesText(spatial)). Calculated output size per channel: \(sizesText(outSpatial)). Output size is too small"
    )
  } else {
    let padded = (0..<dims).map { spatial[$0] + padTotal[$0] }
    let dilatedKernel = (0..<dims).map { dilation[$0] * (kernel[$0] - 1) + 1 }
    precondition(
      (0..<dims).allSatisfy { padded[$0] >= dilatedKernel[$0] },
      "\(op): Calculated padded input size per channel: \(sizesText(padded)). Kernel size: \(sizesText(dilatedKernel)). Kernel size can't be greater than actual input size"
    )
    outSpatial = (0..<dims).map { (padded[$0] - dilatedKernel[$0]) / stride[$0] + 1 }
  }

  // The image side is the input of a convolution and the output of a transposed one.
  let imageSpatial = spec.transposed ? outSpatial : spatial
  let columnSpatial = spec.transposed ? spatial : outSpatial
  let last = dims - 1
  let geometry = Im2ColGeometry(
    channels: (spec.transposed ? outputChannels : inputChannels) / groups,
    height: dims == 2 ? imageSpatial[0] : 1, width: imageSpatial[last],
    kernelH: dims == 2 ? kernel[0] : 1, kernelW: kernel[last],
    strideH: dims == 2 ? stride[0] : 1, strideW: stride[last],
    padTop: dims == 2 ? padBefore[0] : 0, padLeft: padBefore[last],
    dilationH: dims == 2 ? dilation[0] : 1, dilationW: dilation[last],
    outH: dims == 2 ? columnSpatial[0] : 1, outW: columnSpatial[last])
  let problem = ConvProblem(
    batch: input.shape[0], groups: groups, columnChannels: weight.shape[0] / groups, geometry: geometry)
  return ConvolutionOp(problem: problem, transposed: spec.transposed, op: op)
    .run(input, weight: weight, bias: bias, outputShape: [input.shape[0], outputChannels] + outSpatial)
}

/// The zeros before each spatial dimension and the total added to it.
private func resolvedPadding(
  _ spec: ConvSpec, kernel: [Int], stride: [Int], dilation: [Int]
) -> (before: [Int], total: [Int]) {
  switch spec.padding {
  case .valid:
    let zeros = Array(repeating: 0, count: spec.spatialRank)
    return (zeros, zeros)
  case .same:
    precondition(!spec.transposed, "\(spec.op): padding='same' is not supported for transposed convolutions")
    precondition(stride.allSatisfy { $0 == 1 }, "\(spec.op): padding='same' is not supported for strided convolutions")
    let total = kernel.indices.map { dilation[$0] * (kernel[$0] - 1) }
    return (total.map { $0 / 2 }, total)
  case .explicit(let values):
    let padding = expandedSizes(values, count: spec.spatialRank, name: "padding", op: spec.op)
    return (padding, padding.map { 2 * $0 })
  }
}
