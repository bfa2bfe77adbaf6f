/// Modules applied one after another (PyTorch's `nn.Sequential`); children are named `0`, `1`, …
/// unless given names.
///
/// ```swift
/// let model = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
/// model(Tensor.zeros([64, 1, 28, 28])).shape   // [64, 10]
/// model.stateDict().keys                       // ["1.weight", "1.bias", "3.weight", "3.bias"]
/// ```
public final class Sequential: Module {
  public private(set) var layers: [(name: String, module: Module)]

  public init(_ modules: Module...) {
    layers = modules.enumerated().map { ("\($0.offset)", $0.element) }
    super.init()
  }

  public init(_ modules: [Module]) {
    layers = modules.enumerated().map { ("\($0.offset)", $0.element) }
    super.init()
  }

  /// Named layers, as PyTorch's `Sequential(OrderedDict(...))`.
  public init(named modules: [(String, Module)]) {
    layers = modules.map { (name: $0.0, module: $0.1) }
    super.init()
  }

  /// The number of layers.
  public var count: Int { layers.count }

  /// The layer at `index`.
  public subscript(index: Int) -> Module { layers[index].module }

  /// Adds a layer at the end, named by its position.
  public func append(_ module: Module) { layers.append(("\(layers.count)", module)) }

  public override func namedChildren() -> [(String, Module)] { layers.map { ($0.name, $0.module) } }

  public override func forward(_ input: Tensor) -> Tensor {
    layers.reduce(input) { $1.module.forward($0) }
  }
}
