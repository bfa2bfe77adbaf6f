import KindlingTensor

extension Linalg {
  /// The vector `ord`-norm of `x` over `dim`, treating the reduced elements as one flat vector
  /// (`torch.linalg.vector_norm`).
  ///
  /// `ord` is any real: `(Σ |xᵢ|^ord)^(1/ord)`, with `ord = ∞` the largest `|xᵢ|`, `-∞` the
  /// smallest, `0` the number of non-zero elements. `dim` lists the dimensions reduced (all of
  /// them when `nil` or empty); `keepDim` keeps them as size 1. With `dtype`, `x` is first
  /// converted to it (only widening, as in PyTorch). `x` is float32 or float64 (or a half type).
  /// The result has `x`'s shape less the reduced dimensions.
  ///
  /// Differentiable (`LinalgVectorNormBackward0`, PyTorch's `norm_backward`): at a zero norm the
  /// gradient is 0 (ord 2 and ord > 1), `sign(x)` for ord 1, spread evenly over the ties of
  /// `|x|` for ±∞, and 0 for ord 0. Twice too.
  ///
  /// ```swift
  /// let x = Tensor([[3.0, -4.0], [0.0, 1.0]])
  /// Linalg.vectorNorm(x)                           // 5.0990 (all elements)
  /// Linalg.vectorNorm(x, ord: 1, dim: [1])         // [7, 1]
  /// Linalg.vectorNorm(x, ord: .infinity, dim: [0]) // [3, 4]
  /// ```
  public static func vectorNorm(
    _ x: Tensor, ord: Double = 2, dim: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil
  ) -> Tensor {
    let op = "linalg.vector_norm"
    precondition(
      x.dtype.isFloatingPoint,
      "\(op): Expected a floating point or complex tensor as input. Got \(x.dtype.pytorchTitle)")
    if let dtype {
      precondition(
        widens(x.dtype, to: dtype),
        "\(op): the dtype of the input (\(x.dtype.pytorchTitle)) should be convertible without narrowing to the "
          + "specified dtype (\(dtype.pytorchTitle))")
    }
    let input = dtype.map { x.to($0) } ?? x
    let dims = reducedDims(dim ?? [], rank: input.rank)
    if input.count == 0 && (ord < 0 || ord == .infinity) {
      let text = ord.isFinite && ord == ord.rounded() ? "\(Int(ord))" : "\(ord)"
      let identity = "because the operation does not have an identity"
      precondition(dim?.isEmpty == false, "\(op) cannot compute the \(text) norm on an empty tensor \(identity)")
      for d in dims where input.shape[d] == 0 {
        // PyTorch's message lacks the space before "because".
        preconditionFailure(
          "\(op) cannot compute the \(text) norm on the dimension \(d)because this dimension is empty and the "
            + "operation does not have an identity")
      }
    }
    let norm = noGrad { vectorNormValue(input.detach(), ord: ord, dims: dims, keepDim: keepDim) }
    return record("LinalgVectorNormBackward0", inputs: [input], outputs: [norm]) { grads, node in
      [vectorNormBackward(grads[0], node.savedInput(0), connectedOutput(node), ord: ord, dims: dims, keepDim: keepDim)]
    }[0]
  }

  /// The norm itself, from reductions.
  private static func vectorNormValue(_ x: Tensor, ord: Double, dims: [Int], keepDim: Bool) -> Tensor {
    let all = dims.isEmpty ? Array(0..<x.rank) : dims
    if x.rank == 0 { return ord == 0 ? (x .!= 0).to(x.dtype) : x.abs() }
    switch ord {
    case 0: return (x .!= 0).to(x.dtype).sum(dims: all, keepDim: keepDim)
    case .infinity: return x.abs().amax(dims: all, keepDim: keepDim)
    case -.infinity: return x.abs().amin(dims: all, keepDim: keepDim)
    case 1: return x.abs().sum(dims: all, keepDim: keepDim)
    case 2: return (x * x).sum(dims: all, keepDim: keepDim).sqrt()
    default: return x.abs().pow(ord).sum(dims: all, keepDim: keepDim).pow(1 / ord)
    }
  }

  /// PyTorch's `norm_backward` in differentiable tensor ops: the gradient of `norm` (the
  /// result of ``vectorNorm(_:ord:dim:keepDim:dtype:)`` on `x` over `dims`) for the incoming `grad`.
  private static func vectorNormBackward(
    _ grad: Tensor, _ x: Tensor, _ norm: Tensor, ord: Double, dims: [Int], keepDim: Bool
  ) -> Tensor {
    var grad = grad
    var norm = norm
    let all = dims.isEmpty ? Array(0..<x.rank) : dims
    if !keepDim && x.rank > 0 {
      for d in all.sorted() {
        grad = grad.unsqueeze(d)
        norm = norm.unsqueeze(d)
      }
    }
    switch ord {
    case 0:
      return Tensor.zeros(x.shape, dtype: x.dtype)
    case 1:
      return x.sign() * grad
    case 2:
      return grad * (x / norm).maskedFill(norm .== 0, 0)
    case .infinity, -.infinity:
      // The derivative of amax/amin of |x|: shared evenly by the elements reaching it (or NaN).
      let magnitude = x.abs()
      let mask = magnitude.eq(norm).logicalOr(magnitude.isnan()).to(x.dtype)
      let count = x.rank == 0 ? mask : mask.sum(dims: all, keepDim: true)
      return x.sign() * (grad / count * mask)
    case ..<1:
      let scaled = x.sign() * x.abs().pow(ord - 1).maskedFill(x .== 0, 0)
      return scaled * grad * norm.pow(1 - ord)
    case ..<2:
      let scale = (grad / norm.pow(ord - 1)).maskedFill(norm .== 0, 0)
      return x.sign() * x.abs().pow(ord - 1) * scale
    default:
      let scale = (grad / norm.pow(ord - 1)).maskedFill(norm .== 0, 0)
      return x * x.abs().pow(ord - 2) * scale
    }
  }

  /// Whether `from` converts to `to` without narrowing (PyTorch's `canCast` between floats).
  private static func widens(_ from: DType, to: DType) -> Bool {
    guard to.isFloatingPoint else { return false }
    if from == to { return true }
    let rank: [DType: Int] = [.float16: 1, .bfloat16: 1, .float32: 2, .float64: 3]
    return (rank[from] ?? 0) < (rank[to] ?? 0)
  }

  /// `dims` wrapped into `0..<rank` and sorted, stopping with PyTorch's messages for a dimension
  /// out of range or repeated. A 0-dimensional tensor takes dimension 0 and -1, as in PyTorch.
  static func reducedDims(_ dims: [Int], rank: Int) -> [Int] {
    var seen: [Int] = []
    for dim in dims {
      let d = wrappedDim(dim, rank: rank)
      precondition(!seen.contains(d), "dim \(d) appears multiple times in the list of dims")
      seen.append(d)
    }
    return rank == 0 ? [] : seen.sorted()
  }

  /// `dim` wrapped into `0..<rank` (`0` for a 0-dimensional tensor), with PyTorch's message when
  /// it is out of range.
  static func wrappedDim(_ dim: Int, rank: Int) -> Int {
    let extent = Swift.max(rank, 1)
    precondition(
      dim >= -extent && dim < extent,
      "Dimension out of range (expected to be in range of [\(-extent), \(extent - 1)], but got \(dim))")
    return dim < 0 ? dim + extent : dim
  }
}
