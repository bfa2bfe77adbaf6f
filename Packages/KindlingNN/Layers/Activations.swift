// The activation layers, PyTorch's `nn.ReLU`, `nn.Softmax`, …: modules without parameters that
// call the free functions of Functional/Activations.swift and print as PyTorch does.
//
// `inplace: true` is accepted everywhere PyTorch accepts it and shown in the printout; `ReLU`
// honours it (`relu_`), the others compute out of place (same values, the input is kept).

/// `max(x, 0)` (`nn.ReLU`). Shape unchanged.
///
/// ```swift
/// ReLU()(Tensor([-1.0, 2.0]))   // tensor([0., 2.])
/// print(ReLU())                 // ReLU()
/// ```
public final class ReLU: Module {
  public let inplace: Bool
  public init(inplace: Bool = false) {
    self.inplace = inplace
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { relu(input, inplace: inplace) }
  public override var extraDescription: String { inplace ? "inplace=True" : "" }
}

/// `x` where positive, else `negativeSlope · x` (`nn.LeakyReLU`).
///
/// ```swift
/// print(LeakyReLU())   // LeakyReLU(negative_slope=0.01)
/// ```
public final class LeakyReLU: Module {
  public let negativeSlope: Double, inplace: Bool
  public init(negativeSlope: Double = 0.01, inplace: Bool = false) {
    (self.negativeSlope, self.inplace) = (negativeSlope, inplace)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { leakyRelu(input, negativeSlope: negativeSlope) }
  public override var extraDescription: String { "negative_slope=\(negativeSlope)" + inplaceSuffix(inplace) }
}

/// `x` where positive, else `alpha · (eˣ − 1)` (`nn.ELU`).
///
/// ```swift
/// print(ELU())   // ELU(alpha=1.0)
/// ```
public final class ELU: Module {
  public let alpha: Double, inplace: Bool
  public init(alpha: Double = 1, inplace: Bool = false) {
    (self.alpha, self.inplace) = (alpha, inplace)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { elu(input, alpha: alpha) }
  public override var extraDescription: String { "alpha=\(alpha)" + inplaceSuffix(inplace) }
}

/// The Gaussian error linear unit (`nn.GELU`).
///
/// ```swift
/// print(GELU(approximate: .tanh))   // GELU(approximate='tanh')
/// ```
public final class GELU: Module {
  public let approximate: GeluApproximation
  public init(approximate: GeluApproximation = .none) {
    self.approximate = approximate
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { gelu(input, approximate: approximate) }
  public override var extraDescription: String { "approximate='\(approximate.rawValue)'" }
}

/// `x · sigmoid(x)` (`nn.SiLU`).
///
/// ```swift
/// print(SiLU())   // SiLU()
/// ```
public final class SiLU: Module {
  public let inplace: Bool
  public init(inplace: Bool = false) {
    self.inplace = inplace
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { silu(input) }
  public override var extraDescription: String { inplace ? "inplace=True" : "" }
}

/// `1 / (1 + e⁻ˣ)` (`nn.Sigmoid`).
///
/// ```swift
/// Sigmoid()(Tensor([0.0]))   // tensor([0.5000])
/// ```
public final class Sigmoid: Module {
  public override init() { super.init() }
  public override func forward(_ input: Tensor) -> Tensor { sigmoid(input) }
}

/// The hyperbolic tangent (`nn.Tanh`).
///
/// ```swift
/// Tanh()(Tensor([0.0]))   // tensor([0.])
/// ```
public final class Tanh: Module {
  public override init() { super.init() }
  public override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// Softmax along `dim` (`nn.Softmax`). With `dim: nil` it picks PyTorch's legacy default
/// (dimension 0 for 0-, 1- and 3-d inputs, else 1); name the dimension instead.
///
/// ```swift
/// let probabilities = Softmax(dim: 1)(Tensor.randn([4, 10]))   // rows sum to 1
/// print(Softmax(dim: 1))                                       // Softmax(dim=1)
/// ```
public final class Softmax: Module {
  public let dim: Int?
  public init(dim: Int? = nil) {
    self.dim = dim
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor {
    softmax(input, dim: dim ?? legacySoftmaxDim(rank: input.rank))
  }
  public override var extraDescription: String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// `log(softmax(x))` along `dim` (`nn.LogSoftmax`); `dim: nil` as ``Softmax``.
///
/// ```swift
/// print(LogSoftmax(dim: -1))   // LogSoftmax(dim=-1)
/// ```
public final class LogSoftmax: Module {
  public let dim: Int?
  public init(dim: Int? = nil) {
    self.dim = dim
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor {
    logSoftmax(input, dim: dim ?? legacySoftmaxDim(rank: input.rank))
  }
  public override var extraDescription: String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// `log(1 + e^(beta·x)) / beta`, linear above `threshold` (`nn.Softplus`).
///
/// ```swift
/// print(Softplus())   // Softplus(beta=1.0, threshold=20.0)
/// ```
public final class Softplus: Module {
  public let beta: Double, threshold: Double
  public init(beta: Double = 1, threshold: Double = 20) {
    (self.beta, self.threshold) = (beta, threshold)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { softplus(input, beta: beta, threshold: threshold) }
  public override var extraDescription: String { "beta=\(beta), threshold=\(threshold)" }
}

/// `clamp(x, minVal, maxVal)` (`nn.Hardtanh`).
///
/// ```swift
/// print(Hardtanh())   // Hardtanh(min_val=-1.0, max_val=1.0)
/// ```
public final class Hardtanh: Module {
  public let minVal: Double, maxVal: Double, inplace: Bool
  public init(minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) {
    precondition(maxVal > minVal, "Hardtanh: max_val (\(maxVal)) must be greater than min_val (\(minVal))")
    (self.minVal, self.maxVal, self.inplace) = (minVal, maxVal, inplace)
    super.init()
  }
  public override func forward(_ input: Tensor) -> Tensor { hardtanh(input, minVal: minVal, maxVal: maxVal) }
  public override var extraDescription: String { "min_val=\(minVal), max_val=\(maxVal)" + inplaceSuffix(inplace) }
}

/// `, inplace=True` when set, as PyTorch's activation printouts append it.
func inplaceSuffix(_ inplace: Bool) -> String { inplace ? ", inplace=True" : "" }
