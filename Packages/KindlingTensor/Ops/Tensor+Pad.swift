import KindlingStorage

// pad: constant, reflection, replication and circular padding of the last dimensions.

/// How ``Tensor/pad(_:mode:value:)`` fills the new border.
public enum PadMode: String, Sendable {
  /// With a constant value; negative pads crop.
  case constant
  /// With the elements mirrored about the edge, the edge itself not repeated.
  case reflect
  /// With copies of the edge element.
  case replicate
  /// With the elements from the other side, wrapping around.
  case circular

  /// For each position of a dimension of `size` padded by `before` and `after` (negative
  /// amounts crop), the input position it copies; `constant` is not a copying mode.
  ///
  /// Circular padding wraps around what is left after cropping, as PyTorch does.
  ///
  /// ```swift
  /// PadMode.reflect.sourcePositions(before: 2, after: 1, size: 3)    // [2, 1, 0, 1, 2, 1]
  /// PadMode.circular.sourcePositions(before: -1, after: 2, size: 5)  // [1, 2, 3, 4, 1, 2]
  /// ```
  public func sourcePositions(before: Int, after: Int, size n: Int) -> [Int64] {
    precondition(self != .constant, "constant padding copies no input positions")
    let cropStart = Swift.max(-before, 0)
    let kept = n - cropStart - Swift.max(-after, 0)
    let lead = Swift.max(before, 0)
    return (-before..<(n + after)).map { j in
      switch self {
      case .reflect: Int64(j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j)
      case .replicate: Int64(Swift.min(Swift.max(j, 0), n - 1))
      default:
        // Output position k = j + before; it wraps within the kept input positions.
        Int64(cropStart + (((j + before - lead) % kept) + kept) % kept)
      }
    }
  }
}

extension Tensor {
  /// The tensor with a border (`torch.nn.functional.pad`): `pad` lists (before, after) amounts
  /// for the last dimension, then the one before it, and so on: `(left, right, top, bottom, …)`.
  ///
  /// ```swift
  /// Tensor([[1, 2]]).pad([1, 1], value: 9)             // tensor([[9, 1, 2, 9]])
  /// Tensor([[1.0, 2, 3]]).pad([2, 0], mode: .reflect)  // tensor([[3., 2., 1., 2., 3.]])
  /// ```
  public func pad(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) -> Tensor {
    precondition(pad.count % 2 == 0, "Padding length must be divisible by 2")
    let dims = pad.count / 2
    precondition(dims <= rank, "Padding length should be less than or equal to two times the input dimension but got "
      + "padding length \(pad.count) and input of dimension \(rank)")
    var outShape = shape
    for i in 0..<dims {
      let d = rank - 1 - i
      outShape[d] = shape[d] + pad[2 * i] + pad[2 * i + 1]
      precondition(
        outShape[d] >= 0 || mode != .constant,
        "The input size \(shape[d]), plus negative padding \(pad[2 * i]) and \(pad[2 * i + 1]) resulted in a negative "
          + "output size, which is invalid. Check dimension \(d) of your input.")
    }
    if mode == .constant { return constantPad(pad, outShape: outShape, value: value) }
    precondition(
      rank >= dims + 1 && rank <= dims + 2 && dims <= 3,
      "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    var out = detach()
    for i in 0..<dims {
      let d = rank - 1 - i
      let (left, right, n) = (pad[2 * i], pad[2 * i + 1], shape[d])
      switch mode {
      case .reflect:
        precondition(
          left < n && right < n,
          "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding "
            + "(\(left), \(right)) at dimension \(d) of input \(shape)")
      case .circular:
        precondition(
          left <= n && right <= n, "Padding value causes wrapping around more than once.")
        precondition(n + left + right >= 0, "Negative padding value is resulting in an empty dimension")
      default:
        precondition(n > 0 || left + right == 0, "padding: input size at dimension \(d) must be positive")
      }
      let positions = mode.sourcePositions(before: left, after: right, size: n)
      out = out.indexSelect(dim: d, index: Tensor(scalars: positions, shape: [positions.count]))
    }
    let name = mode == .circular ? "CopySlices" : "\(mode == .reflect ? "Reflection" : "Replication")Pad\(dims)DBackward0"
    return record(out.detach(), name, [self], ["pad": pad])
  }

  /// Constant padding: the output filled with `value`, the overlapping block copied in.
  private func constantPad(_ pad: [Int], outShape: [Int], value: Double) -> Tensor {
    let out = Tensor.full(outShape, value, dtype: dtype, device: device)
    var source = detach()
    var target = out
    for i in 0..<(pad.count / 2) {
      let d = rank - 1 - i
      let (left, right) = (pad[2 * i], pad[2 * i + 1])
      let length = shape[d] + Swift.min(left, 0) + Swift.min(right, 0)
      guard length > 0 else { return record(out, "ConstantPadNdBackward0", self, ["pad": pad]) }
      source = source.cut(d, start: Swift.max(-left, 0), length: length)
      target = target.cut(d, start: Swift.max(left, 0), length: length)
    }
    if target.count > 0 { target.assign(source) }
    return record(out, "ConstantPadNdBackward0", self, ["pad": pad])
  }

  /// `length` elements of `d` from `start`, as an unrecorded view.
  private func cut(_ d: Int, start: Int, length: Int) -> Tensor {
    var s = shape
    s[d] = length
    return rawView(shape: s, strides: strides, offset: storageOffset + start * strides[d])
  }
}
