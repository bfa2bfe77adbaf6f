import KindlingAutograd

/// Shared plumbing of the losses: reduction of per-element losses, PyTorch's size check, and the
/// custom graph node a fused loss attaches to its output.
extension Reduction {
  /// Reduces per-element losses with public ops, so the graph shows PyTorch's `MeanBackward0` /
  /// `SumBackward0` (nothing for `.none`).
  func apply(_ losses: Tensor) -> Tensor {
    switch self {
    case .none: losses
    case .mean: losses.mean()
    case .sum: losses.sum()
    }
  }

  /// The upstream gradient of a reduced loss as a per-element scale: `grad / count` for `.mean`
  /// (the gradient broadcasts against the per-element losses in every case).
  func elementScale(_ grad: Tensor, count: Int) -> Tensor {
    self == .mean ? grad / Double(Swift.max(count, 1)) : grad
  }
}

/// Stops when `target` and `input` differ in shape, with PyTorch's words. PyTorch only warns and
/// broadcasts for the regression losses ("This will likely lead to incorrect results due to
/// broadcasting"); Kindling stops instead, since the broadcast is almost always a bug (`[N, 1]`
/// against `[N]`). Expand the target explicitly to get PyTorch's broadcast result.
func checkLossSizes(_ input: Tensor, _ target: Tensor, op: String) {
  precondition(
    target.shape == input.shape,
    "\(op): Using a target size (torch.Size(\(target.shape))) that is different to the input size "
      + "(torch.Size(\(input.shape))). This will likely lead to incorrect results due to broadcasting. "
      + "Please ensure they have the same size (Kindling stops here; expand the target explicitly to broadcast).")
}

/// Returns `output` (computed without a graph) with a custom backward node named `name` when grad
/// mode is on and one of `inputs` requires a gradient.
func attachBackward(
  _ output: Tensor, name: String, inputs: [Tensor], backward: @escaping (Tensor, GraphNode) -> [Tensor?]
) -> Tensor {
  let output = output.detach()
  guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
  output.gradFn = GraphNode(name: name, inputs: inputs, output: output, backward: backward)
  return output
}

/// A loss that is a function of `input` and `target` element by element, with its own backward
/// (PyTorch's `MseLossBackward0`, `SmoothL1LossBackward0`, ...): the forward and the derivative
/// are written with public tensor ops, so double backward works.
///
/// - Parameters:
///   - loss: per-element loss of `(input, target)`.
///   - derivative: d loss / d input per element; the target's is its negative unless
///     `targetDerivative` says otherwise.
func pointwiseLoss(
  _ input: Tensor, _ target: Tensor, name: String, reduction: Reduction,
  loss: (Tensor, Tensor) -> Tensor,
  derivative: @escaping (Tensor, Tensor) -> Tensor,
  targetDerivative: ((Tensor, Tensor) -> Tensor)? = nil
) -> Tensor {
  let output = noGrad { reduction.apply(loss(input, target)) }
  let count = input.count
  return attachBackward(output, name: name, inputs: [input, target]) { grad, node in
    let x = node.savedInput(0), y = node.savedInput(1)
    let scale = reduction.elementScale(grad, count: count)
    let needsInput = node.hasEdge(0), needsTarget = node.hasEdge(1)
    let dInput = needsInput || (needsTarget && targetDerivative == nil) ? derivative(x, y) * scale : nil
    var dTarget: Tensor? = nil
    if needsTarget { dTarget = targetDerivative.map { $0(x, y) * scale } ?? -dInput! }
    return [needsInput ? dInput : nil, dTarget]
  }
}
