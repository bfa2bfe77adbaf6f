// The activation functions as free functions, PyTorch's `F.relu`, `F.softmax`, … Each forwards
// to the tensor method of the same name (Packages/KindlingTensor/Ops/Tensor+Activations.swift,
// Tensor+Softmax.swift), whose gradient rules live in KindlingAutograd.
//
// Names and Foundation: `tanh(_:)` and `sigmoid(_:)` here take a `Tensor`, so they overload
// Foundation's `tanh(Double)` rather than hide it: in a file importing both, `tanh(x)` picks this
// one for a tensor and Foundation's for a number (`tanh(0.5)` stays a `Double`). Where a call is
// ambiguous for another reason, `KindlingNN.tanh(x)` or the method `x.tanh()` names it exactly.

/// `max(x, 0)` element-wise (`F.relu`); `inplace: true` overwrites `input` (`relu_`).
///
/// ```swift
/// relu(Tensor([-1.0, 2.0]))   // tensor([0., 2.])
/// ```
public func relu(_ input: Tensor, inplace: Bool = false) -> Tensor {
  inplace ? input.relu_() : input.relu()
}

/// `x` where positive, else `negativeSlope · x` (`F.leaky_relu`); shape unchanged.
///
/// ```swift
/// leakyRelu(Tensor([-2.0, 3.0]), negativeSlope: 0.1)   // tensor([-0.2000,  3.0000])
/// ```
public func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01) -> Tensor {
  input.leakyRelu(negativeSlope: negativeSlope)
}

/// `x` where positive, else `alpha · (eˣ − 1)` (`F.elu`).
///
/// ```swift
/// elu(Tensor([-1.0, 1.0]))   // tensor([-0.6321,  1.0000])
/// ```
public func elu(_ input: Tensor, alpha: Double = 1) -> Tensor { input.elu(alpha: alpha) }

/// The Gaussian error linear unit `x · Φ(x)` (`F.gelu`), exact or with the tanh approximation.
///
/// ```swift
/// gelu(Tensor([1.0]))                       // tensor([0.8413])
/// gelu(Tensor([1.0]), approximate: .tanh)   // tensor([0.8412])
/// ```
public func gelu(_ input: Tensor, approximate: GeluApproximation = .none) -> Tensor {
  input.gelu(approximate: approximate)
}

/// `x · sigmoid(x)` (`F.silu`, also called swish).
///
/// ```swift
/// silu(Tensor([1.0]))   // tensor([0.7311])
/// ```
public func silu(_ input: Tensor) -> Tensor { input.silu() }

/// `1 / (1 + e⁻ˣ)` (`torch.sigmoid`, `F.sigmoid`).
///
/// ```swift
/// sigmoid(Tensor([0.0]))   // tensor([0.5000])
/// ```
public func sigmoid(_ input: Tensor) -> Tensor { input.sigmoid() }

/// The hyperbolic tangent of a tensor (`torch.tanh`, `F.tanh`). Overloads Foundation's
/// `tanh(Double)`: `tanh(x)` is this function for a `Tensor` and Foundation's for a number.
///
/// ```swift
/// tanh(Tensor([0.0, 100.0]))   // tensor([0., 1.])
/// ```
public func tanh(_ input: Tensor) -> Tensor { input.tanh() }

/// `exp(x) / Σ exp(x)` along `dim` (`F.softmax`); `dtype` casts the input first.
///
/// ```swift
/// softmax(Tensor([[1.0, 1.0]]), dim: 1)   // tensor([[0.5000, 0.5000]])
/// ```
public func softmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor {
  input.softmax(dim: dim, dtype: dtype)
}

/// `log(softmax(x))` along `dim`, computed stably (`F.log_softmax`).
///
/// ```swift
/// logSoftmax(Tensor([[0.0, 0.0]]), dim: 1)   // tensor([[-0.6931, -0.6931]])
/// ```
public func logSoftmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor {
  input.logSoftmax(dim: dim, dtype: dtype)
}

/// `log(1 + e^(beta·x)) / beta`, and `x` where `beta·x > threshold` (`F.softplus`).
///
/// ```swift
/// softplus(Tensor([0.0, 30.0]))   // tensor([ 0.6931, 30.0000])
/// ```
public func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
  input.softplus(beta: beta, threshold: threshold)
}

/// `clamp(x, minVal, maxVal)` (`F.hardtanh`).
///
/// ```swift
/// hardtanh(Tensor([-3.0, 0.5, 3.0]))   // tensor([-1.0000,  0.5000,  1.0000])
/// ```
public func hardtanh(_ input: Tensor, minVal: Double = -1, maxVal: Double = 1) -> Tensor {
  precondition(minVal <= maxVal, "hardtanh: min_val cannot be greater than max_val (got min_val=\(minVal), max_val=\(maxVal))")
  return input.hardtanh(min: minVal, max: maxVal)
}

/// The dimension PyTorch's legacy `Softmax(dim=None)` picks: 0 for 0-, 1- and 3-d inputs, else 1.
func legacySoftmaxDim(rank: Int) -> Int { [0, 1, 3].contains(rank) ? 0 : 1 }
