import KindlingAutograd

/// Convolution on a device (a GPU): im2col and col2im kernels around one large matrix product per
/// group, so every FLOP runs in the device's GEMM (cuBLAS on CUDA). The column matrix holds every
/// sample side by side, `[groups·columnRows, batch·columnCount]` (the CPU kernel's chunk layout
/// with the whole batch as one chunk), so a group's forward, weight gradient and column gradient
/// are each a single product rather than one per sample. Same node name, inputs and gradients as
/// the CPU kernel.
extension ConvolutionOp {
  /// The window over all of the image side's channels (every group's).
  private var window: WindowGeometry {
    let g = problem.geometry
    return WindowGeometry(
      batch: problem.batch, channels: problem.groups * g.channels, height: g.height, width: g.width,
      kernelH: g.kernelH, kernelW: g.kernelW, strideH: g.strideH, strideW: g.strideW, padTop: g.padTop,
      padLeft: g.padLeft, dilationH: g.dilationH, dilationW: g.dilationW, outH: g.outH, outW: g.outW)
  }

  /// `[groups·columnRows, batch·columnCount]`: the samples' column matrices side by side.
  private func columns(_ image: Tensor) -> Tensor {
    let window = window
    let columns = Tensor(
      uninitializedShape: [window.columnRows, window.batch * window.columnCount], dtype: image.dtype,
      device: image.device)
    DeviceRegistry.run(.im2col(image: image, columns: columns, window: window), on: image.device)
    return columns
  }

  /// `weight [groups·outPerGroup, …]` as `[groups, outPerGroup, columnRows]`.
  private func groupedWeight(_ weight: Tensor) -> Tensor {
    denseCopy(weight).view([problem.groups, problem.columnChannels, problem.geometry.columnRows])
  }

  /// `left[g] · right[g]` for each group `g`, stacked along dim 0: `left` `[groups, p, q]`,
  /// `right` `[groups·q, r]` → `[groups·p, r]`.
  private func groupProducts(_ left: Tensor, _ right: Tensor) -> Tensor {
    let (groups, q) = (left.shape[0], left.shape[2])
    if groups == 1 { return left[0].mm(right) }
    return Tensor.cat((0..<groups).map { left[$0].mm(right.narrow(dim: 0, start: $0 * q, length: q)) }, dim: 0)
  }

  /// `[channels, batch·L]` (the products' layout) as `[batch, channels, L]`, contiguous.
  private func batchFirst(_ t: Tensor) -> Tensor {
    t.view([t.shape[0], problem.batch, t.shape[1] / max(problem.batch, 1)]).transpose(0, 1).contiguous()
  }

  func runOnDevice(_ input: Tensor, weight: Tensor, bias: Tensor?, outputShape: [Int]) -> Tensor {
    precondition(
      !transposed,
      "\(op): transposed convolution has no \(input.device) kernel in Kindling yet; move the tensors to the CPU with "
        + ".to(.cpu)")
    let channels = problem.groups * problem.columnChannels
    let output = noGrad { () -> Tensor in
      var out = batchFirst(groupProducts(groupedWeight(weight), columns(denseCopy(input))))
      if let bias { out = out + denseCopy(bias).view([1, channels, 1]) }
      return out.view(outputShape)
    }
    let this = self
    return attachBackward(output, input, weight, bias) { grad, node in
      noGrad {
        let x = denseCopy(node.savedInput(0)), w = this.groupedWeight(node.savedInput(1))
        let window = this.window
        // The output gradient in the products' layout: [channels, batch·L].
        let g = grad.reshape([window.batch, channels, window.columnCount]).transpose(0, 1).contiguous()
          .view([channels, window.batch * window.columnCount])
        var gradInput: Tensor? = nil
        if node.hasEdge(0) {
          let columnGradient = this.groupProducts(w.transpose(1, 2), g)
          let image = Tensor(uninitializedShape: x.shape, dtype: x.dtype, device: x.device)
          DeviceRegistry.run(.col2im(columns: columnGradient, image: image, window: window), on: x.device)
          gradInput = image
        }
        var gradWeight: Tensor? = nil
        if node.hasEdge(1) {
          let columns = this.columns(x)
          let (perGroup, rows) = (this.problem.columnChannels, this.problem.geometry.columnRows)
          let products = (0..<this.problem.groups).map { k in
            g.narrow(dim: 0, start: k * perGroup, length: perGroup).mm(
              columns.narrow(dim: 0, start: k * rows, length: rows).t())
          }
          gradWeight = (products.count == 1 ? products[0] : Tensor.cat(products, dim: 0)).view(node.inputShapes[1])
        }
        let needsBias = node.hasEdge(2)
        let gradBias = needsBias ? g.sum(dim: 1) : nil
        return [gradInput, gradWeight] + (node.edgeCount > 2 ? [gradBias] : [])
      }
    }
  }
}
