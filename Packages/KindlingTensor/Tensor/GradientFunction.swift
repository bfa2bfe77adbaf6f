/// The node autograd records for an op (`grad_fn`): KindlingAutograd implements it; the tensor
/// layer only stores it and prints its name.
///
/// ```swift
/// print(y.gradFn!.name)   // "MulBackward0"
/// ```
public protocol GradientFunction: AnyObject {
  /// PyTorch's name for the node, such as `AddBackward0`.
  var name: String { get }
}
