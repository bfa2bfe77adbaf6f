/// A bilinear layer `y = x₁ᵀ·A·x₂ + b` (PyTorch's `nn.Bilinear`).
///
/// Shapes: inputs `[*, in1Features]` and `[*, in2Features]`, output `[*, outFeatures]`;
/// `weight` is `[outFeatures, in1Features, in2Features]`. Weight and bias start U(-1/√in1, 1/√in1),
/// as in PyTorch.
///
/// ```swift
/// let layer = Bilinear(20, 30, 40)
/// let y = layer(Tensor.randn([128, 20]), Tensor.randn([128, 30]))   // [128, 40]
/// ```
public final class Bilinear: Module {
  @Parameter public var weight: Tensor
  @Parameter public var bias: Tensor?
  public let in1Features: Int, in2Features: Int, outFeatures: Int

  public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
    (self.in1Features, self.in2Features, self.outFeatures) = (in1Features, in2Features, outFeatures)
    weight = Tensor.empty([outFeatures, in1Features, in2Features], dtype: dtype)
    self.bias = bias ? Tensor.empty([outFeatures], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// Draws fresh weights and biases as the initializer does.
  public func resetParameters() {
    let bound = 1 / Double(weight.shape[1]).squareRoot()
    Init.uniform_(weight, -bound, bound)
    if let bias { Init.uniform_(bias, -bound, bound) }
  }

  /// Applies the layer to a pair of inputs.
  public func callAsFunction(_ input1: Tensor, _ input2: Tensor) -> Tensor {
    bilinear(input1, input2, weight: weight, bias: bias)
  }

  public override var extraDescription: String {
    "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
  }
}
