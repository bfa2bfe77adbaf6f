import KindlingAutograd

/// Convolution on a device (a GPU): im2col and col2im kernels around batched matrix products, so
/// every FLOP runs in the device's GEMM (cuBLAS on CUDA), as PyTorch's `slow_conv2d` does. Same
/// node name, inputs and gradients as the CPU kernel.
extension ConvolutionOp {
  /// The window over all of the image side's channels (every group's).
  private var window: WindowGeometry {
    let g = problem.geometry
    return WindowGeometry(
      batch: problem.batch, channels: problem.groups * g.channels, height: g.height, width: g.width,
      kernelH: g.kernelH, kernelW: g.kernelW, strideH: g.strideH, strideW: g.strideW, padTop: g.padTop,
      padLeft: g.padLeft, dilationH: g.dilationH, dilationW: g.dilationW, outH: g.outH, outW: g.outW)
  }

  /// `[batch, groups·columnRows, columnCount]`: every sample's column matrix.
  private func columns(_ image: Tensor) -> Tensor {
    let window = window
    let columns = Tensor(
      uninitializedShape: [window.batch, window.columnRows, window.columnCount], dtype: image.dtype,
      device: image.device)
    DeviceRegistry.run(.im2col(image: image, columns: columns, window: window), on: image.device)
    return columns
  }

  /// `weight [groups·outPerGroup, …]` as `[groups, outPerGroup, columnRows]`.
  private func groupedWeight(_ weight: Tensor) -> Tensor {
    denseCopy(weight).view([problem.groups, problem.columnChannels, problem.geometry.columnRows])
  }

  /// `left[g] · right` for each group `g`, the groups' results side by side along dim 1:
  /// `left` `[groups, p, q]` (the same for every sample), `right` `[batch, groups·q, r]`.
  private func groupProducts(_ left: Tensor, _ right: Tensor) -> Tensor {
    let (groups, p, q) = (left.shape[0], left.shape[1], left.shape[2])
    let (batch, r) = (right.shape[0], right.shape[2])
    let out = Tensor(uninitializedShape: [batch, groups * p, r], dtype: right.dtype, device: right.device)
    for g in 0..<groups {
      let product = left[g].unsqueeze(0).expand([batch, p, q]).bmm(right.narrow(dim: 1, start: g * q, length: q))
      out.narrow(dim: 1, start: g * p, length: p).copy_(product)
    }
    return out
  }

  func runOnDevice(_ input: Tensor, weight: Tensor, bias: Tensor?, outputShape: [Int]) -> Tensor {
    precondition(
      !transposed,
      "\(op): transposed convolution has no \(input.device) kernel in Kindling yet; move the tensors to the CPU with "
        + ".to(.cpu)")
    let (groups, perGroup, rows) = (problem.groups, problem.columnChannels, problem.geometry.columnRows)
    let output = noGrad { () -> Tensor in
      var out = groupProducts(groupedWeight(weight), columns(denseCopy(input)))
      if let bias { out = out + denseCopy(bias).view([1, groups * perGroup, 1]) }
      return out.view(outputShape)
    }
    let this = self
    return attachBackward(output, input, weight, bias) { grad, node in
      noGrad {
        let x = denseCopy(node.savedInput(0)), w = this.groupedWeight(node.savedInput(1))
        let window = this.window
        let g = denseCopy(grad).view([window.batch, groups * perGroup, window.columnCount])
        var gradInput: Tensor? = nil
        if node.edges[0] != nil {
          let columnGradient = this.groupProducts(w.transpose(1, 2), g)
          let image = Tensor(uninitializedShape: x.shape, dtype: x.dtype, device: x.device)
          DeviceRegistry.run(.col2im(columns: columnGradient, image: image, window: window), on: x.device)
          gradInput = image
        }
        var gradWeight: Tensor? = nil
        if node.edges[1] != nil {
          let columns = this.columns(x)
          let perGroupGradients = (0..<groups).map { k in
            g.narrow(dim: 1, start: k * perGroup, length: perGroup)
              .bmm(columns.narrow(dim: 1, start: k * rows, length: rows).transpose(1, 2)).sum(dim: 0)
          }
          gradWeight = Tensor.cat(perGroupGradients, dim: 0).view(node.inputShapes[1])
        }
        let needsBias = node.edges.count > 2 && node.edges[2] != nil
        let gradBias = needsBias ? g.sum(dims: [0, 2]) : nil
        return [gradInput, gradWeight] + (node.edges.count > 2 ? [gradBias] : [])
      }
    }
  }
}
