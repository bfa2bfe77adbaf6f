/// Passes its input through unchanged (PyTorch's `nn.Identity`), e.g. to switch a layer off.
///
/// ```swift
/// let head: Module = useHead ? Linear(64, 10) : Identity()
/// ```
public final class Identity: Module {
  public override init() { super.init() }
  public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Flattens dimensions `startDim...endDim` into one (PyTorch's `nn.Flatten`, which starts at 1 to
/// keep the batch dimension).
///
/// ```swift
/// Flatten()(Tensor.zeros([32, 1, 28, 28])).shape   // [32, 784]
/// ```
public final class Flatten: Module {
  public let startDim: Int, endDim: Int
  public init(startDim: Int = 1, endDim: Int = -1) {
    (self.startDim, self.endDim) = (startDim, endDim)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { input.flatten(startDim: startDim, endDim: endDim) }
  public override var extraDescription: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

/// Splits dimension `dim` into `sizes` (PyTorch's `nn.Unflatten`).
///
/// ```swift
/// Unflatten(dim: 1, sizes: [1, 28, 28])(Tensor.zeros([32, 784])).shape   // [32, 1, 28, 28]
/// ```
public final class Unflatten: Module {
  public let dim: Int, sizes: [Int]
  public init(dim: Int, sizes: [Int]) {
    (self.dim, self.sizes) = (dim, sizes)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { input.unflatten(dim: dim, sizes: sizes) }
  public override var extraDescription: String { "dim=\(dim), unflattened_size=\(pythonTuple(sizes))" }
}
