import KindlingTensor

/// What a gradient rule sees: the gradient of the op's output, the tensors the forward saved,
/// and the op's attributes.
///
/// Rules are written with public tensor ops, so with `createGraph` their results are recorded
/// too and gradients of gradients work.
///
/// ```swift
/// // the rule of `x.exp()`: d exp(x) = exp(x) dx
/// "ExpBackward0": { c in [c.grad * c.output] }
/// ```
public struct GradientContext {
  /// The node being run.
  public let node: GraphNode
  /// The gradient of the loss with respect to the op's output.
  public let grad: Tensor

  /// The op's inputs as they were in the forward. Reading one checks that no in-place op
  /// changed it since (PyTorch's version counter).
  public var inputs: SavedInputs { SavedInputs(node: node) }
  /// The op's first input.
  public var input: Tensor { inputs[0] }
  /// The op's output as it was in the forward. When the backward is itself recorded
  /// (`createGraph`), the output comes back connected to this node, so that rules using it
  /// differentiate correctly a second time.
  public var output: Tensor {
    let saved = node.savedOutputChecked()
    guard GradMode.isEnabled else { return saved }
    let connected = saved.detach()
    connected.gradFn = node
    return connected
  }
  /// Whether input `i` takes a gradient (rules may skip work for the others).
  public func needs(_ i: Int) -> Bool { node.hasEdge(i) }

  /// The attribute `key`, which the op recorded.
  public func attribute<T>(_ key: String, as _: T.Type = T.self) -> T {
    guard let value = node.attributes[key] as? T else {
      preconditionFailure("\(node.name): the recorded attribute '\(key)' is missing or not a \(T.self)")
    }
    return value
  }

  /// The attribute `key`, or `nil` when the op did not record it.
  public func optionalAttribute<T>(_ key: String, as _: T.Type = T.self) -> T? {
    node.attributes[key] as? T
  }
}

/// A gradient rule: the gradients of an op's inputs (one per input, `nil` for none) from the
/// gradient of its output. The engine sums a gradient over broadcast dimensions and converts it
/// to the input's dtype, so a rule can return the gradient in the output's shape. The list is
/// written as an array literal (`[c.grad, nil]`); up to two gradients it allocates nothing.
public typealias GradientRule = @Sendable (GradientContext) -> InlineList<Tensor?>

/// A node's saved inputs, checked one by one as a rule reads them.
public struct SavedInputs: RandomAccessCollection {
  let node: GraphNode
  public var startIndex: Int { 0 }
  public var endIndex: Int { node.inputCount }
  public subscript(i: Int) -> Tensor { node.savedInput(i) }
}
