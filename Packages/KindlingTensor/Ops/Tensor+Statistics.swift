import KindlingStorage

// mean, var, std, norm and logsumexp: reductions of floating-point tensors.

extension Tensor {
  // MARK: Mean

  /// The mean of all elements, as a 0-d tensor (`mean`). Needs a floating-point tensor, or a
  /// floating-point `dtype` to convert to first.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]], dtype: .float32).mean()   // tensor(2.5000)
  /// Tensor([1, 2]).mean(dtype: .float64)               // tensor(1.5000, dtype=torch.float64)
  /// ```
  public func mean(dtype: DType? = nil) -> Tensor {
    checkMeanType(dtype)
    let out = arithmetic(.mean, dims: nil, keepDim: false, dtype: dtype ?? self.dtype, op: "mean")
    return record(out, "MeanBackward0", self)
  }

  /// The means along `dim`.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]], dtype: .float32).mean(dim: 1)   // tensor([1.5000, 3.5000])
  /// ```
  public func mean(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
    mean(dims: [dim], keepDim: keepDim, dtype: dtype)
  }

  /// The means over several dimensions; `[]` averages over all of them.
  public func mean(dims: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
    checkMeanType(dtype)
    let dims = reductionDims(dims, op: "mean")
    let out = arithmetic(.mean, dims: dims, keepDim: keepDim, dtype: dtype ?? self.dtype, op: "mean")
    return record(out, "MeanBackward1", self, ["dims": dims, "keepDim": keepDim])
  }

  private func checkMeanType(_ requested: DType?) {
    if let requested {
      precondition(
        requested.isFloatingPoint,
        "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. "
          + "Got: \(requested.pytorchTitle)")
    } else {
      precondition(
        dtype.isFloatingPoint,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
          + "Got: \(dtype.pytorchTitle)")
    }
  }

  // MARK: Variance and standard deviation

  /// The variance of all elements with Bessel's `correction` (`var`): the sum of squared
  /// deviations divided by `count - correction`.
  ///
  /// ```swift
  /// Tensor([1.0, 2.0, 3.0, 4.0]).variance()                 // tensor(1.6667)
  /// Tensor([1.0, 2.0, 3.0, 4.0]).variance(correction: 0)    // tensor(1.2500)
  /// ```
  public func variance(correction: Int = 1) -> Tensor {
    moments(dims: [], correction: correction, keepDim: false, root: false)
  }

  /// The variances along `dim`.
  public func variance(dim: Int, correction: Int = 1, keepDim: Bool = false) -> Tensor {
    moments(dims: [dim], correction: correction, keepDim: keepDim, root: false)
  }

  /// The variances over several dimensions; `[]` means all.
  public func variance(dims: [Int], correction: Int = 1, keepDim: Bool = false) -> Tensor {
    moments(dims: dims, correction: correction, keepDim: keepDim, root: false)
  }

  /// `var` under PyTorch's name; see ``variance(correction:)``.
  public func `var`(correction: Int = 1) -> Tensor { variance(correction: correction) }

  /// `var(dim)` under PyTorch's name.
  public func `var`(dim: Int, correction: Int = 1, keepDim: Bool = false) -> Tensor {
    variance(dim: dim, correction: correction, keepDim: keepDim)
  }

  /// `var(dims)` under PyTorch's name.
  public func `var`(dims: [Int], correction: Int = 1, keepDim: Bool = false) -> Tensor {
    variance(dims: dims, correction: correction, keepDim: keepDim)
  }

  /// The standard deviation of all elements (`std`), the square root of ``variance(correction:)``.
  ///
  /// ```swift
  /// Tensor([1.0, 2.0, 3.0, 4.0]).std()   // tensor(1.2910)
  /// ```
  public func std(correction: Int = 1) -> Tensor {
    moments(dims: [], correction: correction, keepDim: false, root: true)
  }

  /// The standard deviations along `dim`.
  public func std(dim: Int, correction: Int = 1, keepDim: Bool = false) -> Tensor {
    moments(dims: [dim], correction: correction, keepDim: keepDim, root: true)
  }

  /// The standard deviations over several dimensions; `[]` means all.
  public func std(dims: [Int], correction: Int = 1, keepDim: Bool = false) -> Tensor {
    moments(dims: dims, correction: correction, keepDim: keepDim, root: true)
  }

  private func moments(dims: [Int], correction: Int, keepDim: Bool, root: Bool) -> Tensor {
    let op = root ? "std" : "var"
    precondition(dtype.isFloatingPoint, "\(op): std and var only support floating point and complex dtypes")
    let dims = reductionDims(dims, op: op)
    let plan = ReductionPlan(self, dims: dims, keepDim: keepDim)
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: dtype, device: device)
    dtype.dispatchFloat(MomentsKernel(correction: correction, root: root, input: self, out: out, plan: plan), op: op)
    return record(
      out, root ? "StdBackward0" : "VarBackward0", [self],
      ["dims": dims, "correction": correction, "keepDim": keepDim])
  }

  // MARK: Norm

  /// The vector `p`-norm of all elements (`norm`, `torch.linalg.vector_norm`):
  /// `(Σ|x|^p)^(1/p)`; `p: .infinity` is the largest `|x|`, `-.infinity` the smallest, `0`
  /// counts non-zeros. The Frobenius norm (`p="fro"`) is `p: 2`.
  ///
  /// ```swift
  /// Tensor([3.0, -4.0]).norm()                 // tensor(5.)
  /// Tensor([3.0, -4.0]).norm(p: 1)             // tensor(7.)
  /// Tensor([3.0, -4.0]).norm(p: .infinity)     // tensor(4.)
  /// ```
  public func norm(p: Double = 2) -> Tensor { norm(p: p, dims: [], keepDim: false) }

  /// The `p`-norms along `dim`.
  ///
  /// ```swift
  /// Tensor([[3.0, 4.0], [6.0, 8.0]]).norm(dim: 1)   // tensor([ 5., 10.])
  /// ```
  public func norm(p: Double = 2, dim: Int, keepDim: Bool = false) -> Tensor {
    norm(p: p, dims: [dim], keepDim: keepDim)
  }

  /// The `p`-norms over several dimensions, as one vector each; `[]` means all.
  public func norm(p: Double = 2, dims: [Int], keepDim: Bool = false) -> Tensor {
    let op = "linalg.vector_norm"
    precondition(
      dtype.isFloatingPoint,
      "\(op): Expected a floating point or complex tensor as input. Got \(dtype.pytorchTitle)")
    let dims = reductionDims(dims, op: op)
    let plan = ReductionPlan(self, dims: dims, keepDim: keepDim)
    precondition(
      !(p.isInfinite && plan.innerCount == 0 && count == 0),
      "\(op) cannot compute the \(p > 0 ? "" : "-")inf norm on an empty tensor because the operation does not have "
        + "an identity")
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: dtype, device: device)
    dtype.dispatchFloat(NormKernel(p: p, input: self, out: out, plan: plan), op: op)
    return record(out, "LinalgVectorNormBackward0", self, ["p": p, "dims": dims, "keepDim": keepDim])
  }

  // MARK: Log-sum-exp

  /// `log(Σ exp(x))` along `dim`, computed stably (`logsumexp`). Integer tensors give float32.
  ///
  /// ```swift
  /// Tensor([0.0, 0.0]).logsumexp(dim: 0)   // tensor(0.6931)
  /// ```
  public func logsumexp(dim: Int, keepDim: Bool = false) -> Tensor { logsumexp(dims: [dim], keepDim: keepDim) }

  /// `log(Σ exp(x))` over several dimensions; `[]` means all.
  public func logsumexp(dims: [Int], keepDim: Bool = false) -> Tensor {
    let dims = reductionDims(dims, op: "logsumexp")
    let input = converted(to: floatType)
    let plan = ReductionPlan(input, dims: dims, keepDim: keepDim)
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: input.dtype, device: device)
    input.dtype.dispatchFloat(LogSumExpKernel(input: input, out: out, plan: plan), op: "logsumexp")
    return record(out, "LogsumexpBackward0", self, ["dims": dims, "keepDim": keepDim])
  }
}

// MARK: - Kernel visitors

struct MomentsKernel: FloatVisitor {
  let correction: Int, root: Bool, input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    let reducer = MomentsReducer<T>(correction: correction, takeRoot: root, out: out.pointer(as: T.self))
    Reduction.run(reducer, input: input, plan: plan)
  }
}

struct NormKernel: FloatVisitor {
  let p: Double, input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Reduction.run(NormReducer<T>(p: p, out: out.pointer(as: T.self)), input: input, plan: plan)
  }
}

struct LogSumExpKernel: FloatVisitor {
  let input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Reduction.run(LogSumExpReducer<T>(out: out.pointer(as: T.self)), input: input, plan: plan)
  }
}
