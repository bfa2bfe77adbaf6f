/// A contiguous copy of `t` outside autograd (`t` itself when it is already contiguous).
func denseCopy(_ t: Tensor) -> Tensor { t.detach().contiguous() }

/// One checked convolution: runs the forward kernel and attaches `ConvolutionBackward0`.
struct ConvolutionOp {
  let problem: ConvProblem
  let transposed: Bool
  let op: String

  private var kernelName: String { transposed ? "slow_conv_transpose2d_out_cpu" : "slow_conv2d_cpu" }

  func run(_ input: Tensor, weight: Tensor, bias: Tensor?, outputShape: [Int]) -> Tensor {
    if input.device != .cpu { return runOnDevice(input, weight: weight, bias: bias, outputShape: outputShape) }
    let x = denseCopy(input), w = denseCopy(weight), b = bias.map(denseCopy)
    let output = Tensor(uninitializedShape: outputShape, dtype: input.dtype)
    floatKernel(
      input.dtype, op: kernelName, float: { forward(x, w, b, output, Float.self) },
      double: { forward(x, w, b, output, Double.self) })
    let this = self
    return attachBackward(output, input, weight, bias) { grad, node in
      let x = denseCopy(node.savedInput(0)), w = denseCopy(node.savedInput(1)), g = denseCopy(grad)
      let gradInput = node.hasEdge(0) ? Tensor(uninitializedShape: x.shape, dtype: x.dtype) : nil
      let gradWeight = node.hasEdge(1) ? Tensor(uninitializedShape: w.shape, dtype: w.dtype) : nil
      // A convolution's bias gradient comes out of the weight gradient's pass over `g`.
      let needsBias = node.hasEdge(2)
      let fusedBias = needsBias && gradWeight != nil && !this.transposed
      let gradBias = fusedBias ? Tensor(uninitializedShape: [w.shape[0]], dtype: x.dtype) : nil
      floatKernel(
        x.dtype, op: this.kernelName,
        float: { this.backward(x, w, g, gradInput, gradWeight, gradBias, Float.self) },
        double: { this.backward(x, w, g, gradInput, gradWeight, gradBias, Double.self) })
      let bias = fusedBias ? gradBias : needsBias ? g.sum(dims: [0] + Array(2..<g.rank)) : nil
      return [gradInput, gradWeight] + (node.edgeCount > 2 ? [bias] : [])
    }
  }

  /// Gives `output` the node `ConvolutionBackward0` over `input`, `weight` and `bias` (when one
  /// needs a gradient and grad mode is on), with `backward` as its rule.
  func attachBackward(
    _ output: Tensor, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?,
    _ backward: @escaping (Tensor, GraphNode) -> [Tensor?]
  ) -> Tensor {
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
    output.gradFn = GraphNode(name: "ConvolutionBackward0", inputs: inputs, output: output, backward: backward)
    return output
  }

  private func forward<T: KernelFloat>(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ out: Tensor, _: T.Type) {
    let (px, pw, pb, po) = (
      x.elements(as: T.self), w.elements(as: T.self), b?.elements(as: T.self), out.elements(as: T.self)
    )
    if transposed {
      problem.imageFromColumns(column: px, weight: pw, bias: pb.map { UnsafePointer($0) }, into: po, dtype: x.dtype)
    } else {
      problem.columnsFromImage(image: px, weight: pw, bias: pb.map { UnsafePointer($0) }, into: po, dtype: x.dtype)
    }
  }

  /// `gradBias`, when given, is a non-transposed convolution's, filled with the weight gradient.
  private func backward<T: KernelFloat>(
    _ x: Tensor, _ w: Tensor, _ g: Tensor, _ gradInput: Tensor?, _ gradWeight: Tensor?, _ gradBias: Tensor?,
    _: T.Type
  ) {
    let (px, pw, pg) = (x.elements(as: T.self), w.elements(as: T.self), g.elements(as: T.self))
    if let gradInput {
      let out = gradInput.elements(as: T.self)
      if transposed {
        problem.columnsFromImage(image: pg, weight: pw, bias: nil, into: out, dtype: x.dtype)
      } else {
        problem.imageFromColumns(column: pg, weight: pw, bias: nil, into: out, dtype: x.dtype)
      }
    }
    if let gradWeight {
      let out = gradWeight.elements(as: T.self)
      if transposed {
        problem.weightGradient(image: pg, column: px, into: out, dtype: x.dtype)
      } else {
        problem.weightGradient(
          image: px, column: pg, into: out, biasGrad: gradBias?.elements(as: T.self), dtype: x.dtype)
      }
    }
  }
}
