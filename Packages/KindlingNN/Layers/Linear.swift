/// A fully connected layer `y = x·Wᵀ + b` (PyTorch's `nn.Linear`).
///
/// Shapes: input `[*, inFeatures]`, output `[*, outFeatures]`; `weight` is
/// `[outFeatures, inFeatures]`, `bias` `[outFeatures]`. Initialized as PyTorch does: weight
/// Kaiming-uniform with a = √5 (U(-1/√inFeatures, 1/√inFeatures)), bias U(-1/√inFeatures, 1/√inFeatures),
/// drawn from the default generator, so `manualSeed(0); Linear(784, 256)` equals
/// `torch.manual_seed(0); nn.Linear(784, 256)`.
///
/// ```swift
/// let layer = Linear(784, 256)
/// let y = layer(Tensor.randn([64, 784]))   // [64, 256]
/// print(layer)   // Linear(in_features=784, out_features=256, bias=True)
/// ```
public final class Linear: Module {
  @Parameter public var weight: Tensor
  @Parameter public var bias: Tensor?
  public let inFeatures: Int
  public let outFeatures: Int

  public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    weight = Tensor.empty([outFeatures, inFeatures], dtype: dtype)
    self.bias = bias ? Tensor.empty([outFeatures], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// Draws fresh weights and biases as the initializer does.
  public func resetParameters() {
    Init.kaimingUniform_(weight, a: 5.0.squareRoot())
    if let bias {
      let fanIn = Init.fans(of: weight).fanIn
      let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
      Init.uniform_(bias, -bound, bound)
    }
  }

  public override func forward(_ input: Tensor) -> Tensor { linear(input, weight: weight, bias: bias) }

  public override var extraDescription: String {
    "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
  }
}

/// `True`/`False`, as PyTorch's printouts spell booleans.
func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }

/// A Python tuple of sizes as PyTorch's printouts show it: `(2, 3)`, `(5,)`.
func pythonTuple(_ values: [Int]) -> String {
  values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}
