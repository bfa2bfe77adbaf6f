import KindlingTensor

extension Linalg {
  /// Records a function computed without recording (LAPACK writes its outputs directly) as one
  /// node of the autograd graph, and returns the outputs to hand to the user.
  ///
  /// `backward` receives one gradient per output (zeros for an output the loss did not use)
  /// and the node (for `savedInput(_:)`), and returns one gradient per input. Write it with
  /// differentiable tensor ops (and the `Linalg` functions themselves) so that gradients of
  /// gradients work.
  ///
  /// A function with one output records it directly (its `gradFn` is `name`). With several,
  /// they are packed into one recorded tensor and handed out as views of it, so the node runs
  /// once whichever outputs the loss used (their `gradFn` is the view's; the packed tensor's is
  /// `name`).
  ///
  /// ```swift
  /// let out = Linalg.record("LinalgInvExBackward0", inputs: [a], outputs: [inverse]) { grads, node in
  ///   [-(inverse.mT.matmul(grads[0]).matmul(inverse.mT))]
  /// }
  /// ```
  static func record(
    _ name: String, inputs: [Tensor], outputs: [Tensor],
    backward: @escaping (_ grads: [Tensor], _ node: GraphNode) -> [Tensor?]
  ) -> [Tensor] {
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return outputs }
    if outputs.count == 1 {
      let output = outputs[0]
      output.gradFn = GraphNode(name: name, inputs: inputs, output: output) { grad, node in backward([grad], node) }
      return [output]
    }
    let shapes = outputs.map(\.shape)
    let counts = shapes.map { $0.reduce(1, *) }
    let packed = noGrad { Tensor.cat(outputs.map { $0.reshape([-1]) }) }
    packed.gradFn = GraphNode(name: name, inputs: inputs, output: packed) { grad, node in
      var start = 0
      let grads = zip(shapes, counts).map { shape, count in
        defer { start += count }
        return grad.narrow(dim: 0, start: start, length: count).reshape(shape)
      }
      return backward(grads, node)
    }
    var start = 0
    return zip(shapes, counts).map { shape, count in
      defer { start += count }
      return packed.narrow(dim: 0, start: start, length: count).reshape(shape)
    }
  }
}
