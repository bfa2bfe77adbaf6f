import KindlingTensor

extension Tensor {
  /// Computes the gradient of this tensor with respect to every leaf that requires one, and
  /// adds it into the leaves' ``Tensor/grad`` (`backward()`).
  ///
  /// - Parameters:
  ///   - gradient: the gradient of some scalar with respect to this tensor; may be left out
  ///     only when this tensor has one element (it is then 1).
  ///   - retainGraph: keep the saved tensors so the graph can be run backwards again.
  ///   - createGraph: record the backward itself, for gradients of gradients.
  ///   - inputs: accumulate only into these tensors' gradients.
  ///
  /// ```swift
  /// let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
  /// let y = x.pow(2).sum()
  /// y.backward()
  /// print(x.grad!)   // tensor([2., 4., 6.])
  /// ```
  public func backward(
    gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false, inputs: [Tensor]? = nil
  ) {
    precondition(
      requiresGrad, "element 0 of tensors does not require grad and does not have a grad_fn")
    let seed = gradient ?? Tensor.impliedGradient(for: self)
    precondition(
      seed.shape == shape,
      "backward: Mismatch in shape: grad_output[0] has a shape of \(seed.shape) and output[0] has a shape of \(shape).")
    let retain = retainGraph ?? createGraph
    if let inputs {
      var grads = KindlingAutograd.grad(
        outputs: [self], inputs: inputs, gradOutputs: [seed], retainGraph: retain, createGraph: createGraph,
        allowUnused: true)
      for (i, input) in inputs.enumerated() {
        // Moved out of the list, so that the leaf may take the gradient itself.
        guard var g = grads[i].take() else { continue }
        BackwardEngine.accumulate(&g, into: input, createGraph: createGraph)
      }
      return
    }
    BackwardEngine.run(roots: InlineList((self, seed)), retainGraph: retain, createGraph: createGraph)
  }

  /// The gradient implied for a one-element output: 1.
  static func impliedGradient(for output: Tensor) -> Tensor {
    precondition(output.count == 1, "grad can be implicitly created only for scalar outputs")
    return Tensor.onesLike(output)
  }

  /// Makes the backward keep this non-leaf tensor's gradient in ``grad`` (`retain_grad()`).
  public func retainGrad() {
    precondition(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
    guard let node = gradFn as? GraphNode else { return }  // leaves keep their gradient anyway
    retainsGrad = true
    node.retainedOutput = self
  }

  /// Registers `hook`, called with this tensor's gradient during the backward; a non-`nil`
  /// result replaces the gradient (`register_hook`).
  ///
  /// ```swift
  /// x.registerHook { $0 * 2 }   // doubles every gradient that reaches x
  /// ```
  public func registerHook(_ hook: @escaping (Tensor) -> Tensor?) {
    precondition(requiresGrad, "cannot register a hook on a tensor that doesn't require gradient")
    if let node = gradFn as? GraphNode {
      node.gradientHooks.append(hook)
    } else {
      gradientHooks.append(hook)
    }
  }

  /// Registers `hook`, called with this leaf after its gradient was accumulated
  /// (`register_post_accumulate_grad_hook`).
  public func registerPostAccumulateGradHook(_ hook: @escaping (Tensor) -> Void) {
    precondition(isLeaf, "post accumulate grad hooks cannot be registered on non-leaf tensors")
    postAccumulateHooks.append(hook)
  }
}

/// The gradients of `outputs` with respect to `inputs`, returned rather than accumulated
/// (`torch.autograd.grad`).
///
/// - Parameters:
///   - gradOutputs: the gradient for each output; `nil` entries (or none) imply 1 for
///     one-element outputs.
///   - createGraph: record the backward, so the results can be differentiated again.
///   - allowUnused: return `nil` for inputs the outputs do not depend on instead of stopping.
///
/// ```swift
/// let x = Tensor([3.0], requiresGrad: true)
/// let y = x.pow(3)
/// let dy = grad(outputs: [y], inputs: [x], createGraph: true)[0]!   // 3x² = 27
/// let d2y = grad(outputs: [dy], inputs: [x])[0]!                   // 6x = 18
/// ```
public func grad(
  outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor?]? = nil, retainGraph: Bool? = nil,
  createGraph: Bool = false, allowUnused: Bool = false
) -> [Tensor?] {
  for output in outputs {
    precondition(output.requiresGrad, "element 0 of tensors does not require grad and does not have a grad_fn")
  }
  for input in inputs {
    precondition(input.requiresGrad, "One of the differentiated Tensors does not require grad")
  }
  var roots: [(Tensor, Tensor)] = []
  for (i, output) in outputs.enumerated() {
    let given = gradOutputs.flatMap { i < $0.count ? $0[i] : nil }
    roots.append((output, given ?? Tensor.impliedGradient(for: output)))
  }
  // Capture each input's gradient where it is made: at its accumulator, or (non-leaves) at
  // its node, which keeps it like `retainGrad()` for the duration of this call.
  var map: [ObjectIdentifier: Int] = [:]
  var restored: [(GraphNode, Tensor?)] = []
  for (i, input) in inputs.enumerated() {
    map[ObjectIdentifier(input)] = i
    if let node = input.gradFn as? GraphNode {
      restored.append((node, node.retainedOutput))
      node.retainedOutput = input
    } else {
      _ = input.gradientEdge
    }
  }
  defer { for (node, previous) in restored { node.retainedOutput = previous } }
  let grads = BackwardEngine.run(
    roots: InlineList(roots), retainGraph: retainGraph ?? createGraph, createGraph: createGraph, sink: .capture(map))
  if !allowUnused {
    for (i, g) in grads.enumerated() where g == nil {
      preconditionFailure(
        "One of the differentiated Tensors (input \(i)) appears to not have been used in the graph. Set "
          + "allowUnused: true if this is the desired behavior.")
    }
  }
  return grads
}
