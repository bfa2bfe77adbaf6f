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

  /// The op's inputs as they were in the forward. While the backward is recorded
  /// (`createGraph`), each is reconnected to where its gradient goes, so that the rule's
  /// results can be differentiated again (PyTorch's unpacked `SavedVariable`).
  public var inputs: [Tensor] {
    let saved = node.savedInputs!
    guard GradMode.isEnabled else { return saved }
    return saved.indices.map { i in Self.attached(saved[i], to: i < node.edges.count ? node.edges[i] : nil) }
  }
  /// The op's first input.
  public var input: Tensor { inputs[0] }
  /// The op's output as it was in the forward (reconnected to this node under `createGraph`).
  public var output: Tensor {
    GradMode.isEnabled ? Self.attached(node.savedOutput!, to: node) : node.savedOutput!
  }

  /// A view of a saved tensor whose gradient flows to `edge`.
  private static func attached(_ saved: Tensor, to edge: (any GradientFunction)?) -> Tensor {
    guard let edge else { return saved }
    let view = saved.detach()
    view.gradFn = edge
    return view
  }
  /// Whether input `i` takes a gradient (rules may skip work for the others).
  public func needs(_ i: Int) -> Bool { i < node.edges.count && node.edges[i] != nil }

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
/// to the input's dtype, so a rule can return the gradient in the output's shape.
public typealias GradientRule = @Sendable (GradientContext) -> [Tensor?]
