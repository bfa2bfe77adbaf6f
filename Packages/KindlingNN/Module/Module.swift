/// The base class of every layer and model, PyTorch's `nn.Module`.
///
/// Subclass it, declare parameters with `@Parameter`, saved state with `@Buffer`, and layers as
/// ordinary stored properties; override ``forward(_:)``. Nothing needs registering: the module
/// finds parameters, buffers and children by reflection, named as PyTorch names them (a property
/// `fc1` holding a `Linear` gives the keys `fc1.weight` and `fc1.bias`).
///
/// ```swift
/// final class MLP: Module {
///   let fc1 = Linear(784, 256), fc2 = Linear(256, 10)
///   override func forward(_ x: Tensor) -> Tensor { fc2(relu(fc1(x))) }
/// }
/// let model = MLP()
/// let logits = model(Tensor.randn([64, 784]))   // [64, 10]
/// model.parameterCount                           // 203530
/// print(model)
/// // MLP(
/// //   (fc1): Linear(in_features=784, out_features=256, bias=True)
/// //   (fc2): Linear(in_features=256, out_features=10, bias=True)
/// // )
/// ```
open class Module: CustomStringConvertible {
  /// Whether the module is in training mode (the default) rather than evaluation mode; layers
  /// such as ``Dropout`` and ``BatchNorm2d`` behave differently in each. Set with ``train(_:)``
  /// and ``eval()``.
  public internal(set) var isTraining = true

  public init() {}

  /// The computation of the module for one input tensor; subclasses override it.
  ///
  /// Modules that take other inputs (``Bilinear``, the losses) define their own
  /// `callAsFunction` and do not use this one.
  open func forward(_ input: Tensor) -> Tensor {
    fatalError("Module [\(typeName)] is missing the required \"forward\" function: override forward(_:) in \(typeName)")
  }

  /// Runs ``forward(_:)``: `model(x)`.
  public final func callAsFunction(_ input: Tensor) -> Tensor { forward(input) }

  /// The settings shown inside the parentheses of the printout (PyTorch's `extra_repr`), such
  /// as `in_features=3, out_features=2, bias=True`; empty by default.
  open var extraDescription: String { "" }

  /// The name shown in the printout: the class name.
  open var typeName: String { String(describing: type(of: self)) }

  /// The child modules with their names, in declaration order.
  ///
  /// Found by reflection from stored properties that hold a module, an optional module or an
  /// array of modules (`layers.0`, `layers.1`, …). Containers such as ``Sequential`` override it.
  open func namedChildren() -> [(String, Module)] {
    reflectedMembers().children
  }

  /// The `(name, printout)` pairs of the children in ``description``; ``ModuleList`` folds runs
  /// of identical children as PyTorch does (`(0-2): 3 x Linear(...)`).
  open func describedChildren() -> [(String, String)] {
    namedChildren().map { ($0.0, $0.1.description) }
  }
}
