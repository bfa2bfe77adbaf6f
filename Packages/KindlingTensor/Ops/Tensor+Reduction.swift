import KindlingStorage

// sum, prod, max/min (with indices), amax/amin, argmax/argmin, all, any, countNonzero.
// Every reduction goes through `Reduction.run` (Kernels/Reduce.swift) with one of the
// reducers in Kernels/Reducers.swift.

extension Tensor {
  // MARK: Sum and product

  /// The sum of all elements, as a 0-d tensor (`sum`). Integer and bool tensors sum to int64;
  /// `dtype` converts the input first, as PyTorch's `dtype=` does.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]], dtype: .float32).sum()   // tensor(10.)
  /// Tensor([true, false, true]).sum()                 // tensor(2)
  /// ```
  public func sum(dtype: DType? = nil) -> Tensor {
    let out = arithmetic(.sum, dims: nil, keepDim: false, dtype: dtype, op: "sum")
    return record(out, "SumBackward0", self)
  }

  /// The sums over dimension `dim` (negative counts from the end); `keepDim` keeps it as size 1.
  ///
  /// ```swift
  /// let m = Tensor([[1, 2], [3, 4]])
  /// m.sum(dim: 0)                  // tensor([4, 6])
  /// m.sum(dim: 1, keepDim: true)   // tensor([[3], [7]])
  /// ```
  public func sum(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
    sum(dims: [dim], keepDim: keepDim, dtype: dtype)
  }

  /// The sums over several dimensions at once; `[]` sums over all of them.
  public func sum(dims: [Int], keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
    let dims = reductionDims(dims, op: "sum")
    let out = arithmetic(.sum, dims: dims, keepDim: keepDim, dtype: dtype, op: "sum")
    return record(out, "SumBackward1", self, ["dims": dims, "keepDim": keepDim])
  }

  /// The product of all elements (`prod`); integers and bools give int64.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).prod()   // tensor(24)
  /// ```
  public func prod(dtype: DType? = nil) -> Tensor {
    let out = arithmetic(.product, dims: nil, keepDim: false, dtype: dtype, op: "prod")
    return record(out, "ProdBackward0", self)
  }

  /// The products along dimension `dim`.
  public func prod(dim: Int, keepDim: Bool = false, dtype: DType? = nil) -> Tensor {
    let dims = reductionDims([dim], op: "prod")
    let out = arithmetic(.product, dims: dims, keepDim: keepDim, dtype: dtype, op: "prod")
    return record(out, "ProdBackward1", self, ["dim": dims.first ?? 0, "keepDim": keepDim])
  }

  /// Runs a sum, product or mean into a new tensor of the result dtype.
  func arithmetic(_ kind: ArithmeticReduction, dims: [Int]?, keepDim: Bool, dtype: DType?, op: String) -> Tensor {
    let type = dtype ?? (self.dtype.isFloatingPoint ? self.dtype : .int64)
    let input = converted(to: type)
    let plan = ReductionPlan(input, dims: dims, keepDim: keepDim)
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: type, device: device)
    if device != .cpu {
      let kinds: [ArithmeticReduction: ReductionKind] = [.sum: .sum, .product: .product, .mean: .mean]
      let work = DeviceWork.reduce(
        kinds[kind]!, input: input, reducedDims: dims ?? Array(0..<rank), values: out, indices: nil)
      DeviceRegistry.run(work, on: device)
      return out
    }
    type.dispatch(ArithmeticKernel(kind: kind, input: input, out: out, plan: plan))
    return out
  }

  // MARK: Maximum and minimum

  /// The largest element, as a 0-d tensor (`max`); NaN if any element is NaN.
  ///
  /// ```swift
  /// Tensor([[1, 5], [3, 4]]).max()   // tensor(5)
  /// ```
  public func max() -> Tensor {
    let out = extremum(largest: true, dims: nil, keepDim: false, op: "max").values
    return record(out, "MaxBackward1", self)
  }

  /// The largest elements along `dim` and their indices (the first one on ties), as
  /// PyTorch's `max(dim)`.
  ///
  /// ```swift
  /// let (values, indices) = Tensor([[1, 5], [3, 4]]).max(dim: 1)   // [5, 4], [1, 1]
  /// ```
  public func max(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
    let dims = reductionDims([dim], op: "max")
    let (values, indices) = extremum(largest: true, dims: dims, keepDim: keepDim, op: "max")
    return (
      record(values, "MaxBackward0", self, ["dim": dims.first ?? 0, "keepDim": keepDim, "indices": indices]),
      indices
    )
  }

  /// The smallest element, as a 0-d tensor (`min`).
  public func min() -> Tensor {
    let out = extremum(largest: false, dims: nil, keepDim: false, op: "min").values
    return record(out, "MinBackward1", self)
  }

  /// The smallest elements along `dim` and their indices (`min(dim)`).
  public func min(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
    let dims = reductionDims([dim], op: "min")
    let (values, indices) = extremum(largest: false, dims: dims, keepDim: keepDim, op: "min")
    return (
      record(values, "MinBackward0", self, ["dim": dims.first ?? 0, "keepDim": keepDim, "indices": indices]),
      indices
    )
  }

  /// The largest values over `dims` (all when empty), without indices (`amax`).
  ///
  /// ```swift
  /// Tensor([[1, 5], [3, 4]]).amax(dim: 0)   // tensor([3, 5])
  /// ```
  public func amax(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
    let dims = reductionDims(dims, op: "amax")
    let out = extremum(largest: true, dims: dims, keepDim: keepDim, op: "amax", wantsIndices: false).values
    return record(out, "AmaxBackward0", self, ["dims": dims, "keepDim": keepDim])
  }

  /// The largest values along one dimension (`amax(dim)`).
  public func amax(dim: Int, keepDim: Bool = false) -> Tensor { amax(dims: [dim], keepDim: keepDim) }

  /// The smallest values over `dims` (all when empty) (`amin`).
  public func amin(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
    let dims = reductionDims(dims, op: "amin")
    let out = extremum(largest: false, dims: dims, keepDim: keepDim, op: "amin", wantsIndices: false).values
    return record(out, "AminBackward0", self, ["dims": dims, "keepDim": keepDim])
  }

  /// The smallest values along one dimension (`amin(dim)`).
  public func amin(dim: Int, keepDim: Bool = false) -> Tensor { amin(dims: [dim], keepDim: keepDim) }

  /// The index of the largest element (`argmax`): along `dim`, or in the flattened tensor when
  /// `dim` is `nil`. The first one on ties; a NaN counts as largest. Gives int64.
  ///
  /// ```swift
  /// Tensor([[1, 5], [3, 4]]).argmax()          // tensor(1)
  /// Tensor([[1, 5], [3, 4]]).argmax(dim: -1)   // tensor([1, 1])
  /// ```
  public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
    argExtremum(largest: true, dim: dim, keepDim: keepDim, op: "argmax")
  }

  /// The index of the smallest element (`argmin`); see ``argmax(dim:keepDim:)``.
  public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
    argExtremum(largest: false, dim: dim, keepDim: keepDim, op: "argmin")
  }

  private func argExtremum(largest: Bool, dim: Int?, keepDim: Bool, op: String) -> Tensor {
    precondition(dtype != .bool, "\(op)(): does not support bool input")
    guard let dim else {
      precondition(count > 0, "\(op)(): Expected reduction dim to be specified for input.numel() == 0.")
      // Reducing every dimension in order, the index counts row-major: the flat index.
      return extremum(largest: largest, dims: nil, keepDim: keepDim, op: op, wantsValues: false).indices
    }
    return extremum(largest: largest, dims: reductionDims([dim], op: op), keepDim: keepDim, op: op).indices
  }

  /// Runs max/min over `dims` (`nil`: all, which must not be empty).
  func extremum(
    largest: Bool, dims: [Int]?, keepDim: Bool, op: String, wantsValues: Bool = true, wantsIndices: Bool = true
  ) -> (values: Tensor, indices: Tensor) {
    if let dims {
      for d in dims where d < rank && shape[d] == 0 {
        preconditionFailure("\(op)(): Expected reduction dim \(d) to have non-zero size.")
      }
    } else {
      precondition(
        count > 0,
        "\(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the "
          + "'dim' argument.")
    }
    let plan = ReductionPlan(self, dims: dims, keepDim: keepDim)
    let values = Tensor(uninitializedShape: wantsValues ? plan.outputShape : [0], dtype: dtype, device: device)
    let indices = Tensor(uninitializedShape: wantsIndices ? plan.outputShape : [0], dtype: .int64, device: device)
    if device != .cpu {
      let work = DeviceWork.reduce(
        largest ? .max : .min, input: self, reducedDims: dims ?? Array(0..<rank), values: wantsValues ? values : nil,
        indices: wantsIndices ? indices : nil)
      DeviceRegistry.run(work, on: device)
      return (values, indices)
    }
    dtype.dispatch(
      ExtremumKernel(
        largest: largest, input: self, values: wantsValues ? values : nil, indices: wantsIndices ? indices : nil,
        plan: plan))
    return (values, indices)
  }

  // MARK: Truth and counting

  /// Whether every element is non-zero, as a 0-d bool tensor (`all`); uint8 tensors give uint8.
  ///
  /// ```swift
  /// (x .== d).all()   // tensor(True) when every element matches
  /// ```
  public func all() -> Tensor { truth(all: true, dims: Array(0..<rank), keepDim: false) }

  /// Whether every element along `dim` is non-zero.
  public func all(dim: Int, keepDim: Bool = false) -> Tensor {
    truth(all: true, dims: reductionDims([dim], op: "all"), keepDim: keepDim)
  }

  /// Whether any element is non-zero, as a 0-d bool tensor (`any`).
  public func any() -> Tensor { truth(all: false, dims: Array(0..<rank), keepDim: false) }

  /// Whether any element along `dim` is non-zero.
  public func any(dim: Int, keepDim: Bool = false) -> Tensor {
    truth(all: false, dims: reductionDims([dim], op: "any"), keepDim: keepDim)
  }

  private func truth(all: Bool, dims: [Int], keepDim: Bool) -> Tensor {
    let plan = ReductionPlan(self, dims: dims, keepDim: keepDim)
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: .bool, device: device)
    dtype.dispatch(TruthKernel(all: all, input: self, out: out, plan: plan))
    return dtype == .uint8 ? out.converted(to: .uint8) : out
  }

  /// The number of non-zero elements, as int64 (`count_nonzero`).
  ///
  /// ```swift
  /// Tensor([[0, 2], [3, 0]]).countNonzero()   // tensor(2)
  /// ```
  public func countNonzero() -> Tensor { countNonzero(dims: []) }

  /// The number of non-zero elements along `dim`.
  public func countNonzero(dim: Int) -> Tensor { countNonzero(dims: [dim]) }

  /// The number of non-zero elements over `dims` (all when empty).
  public func countNonzero(dims: [Int]) -> Tensor {
    let plan = ReductionPlan(self, dims: reductionDims(dims, op: "count_nonzero"), keepDim: false)
    let out = Tensor(uninitializedShape: plan.outputShape, dtype: .int64, device: device)
    dtype.dispatch(CountNonzeroKernel(input: self, out: out, plan: plan))
    return out
  }

  // MARK: Helpers

  /// `dims` normalized, checked for repeats; `[]` means every dimension, as in PyTorch.
  func reductionDims(_ dims: [Int], op: String) -> [Int] {
    if dims.isEmpty { return Array(0..<rank) }
    var seen: [Int] = []
    for dim in dims {
      let d = normalizedDim(dim, op: op)
      precondition(!seen.contains(d), "\(op): dim \(d) appears multiple times in the list of dims")
      seen.append(d)
    }
    return seen.sorted()
  }

  /// This tensor in `dtype`, converted without recording an op (kernels' private copies).
  func converted(to dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    out.assign(self)
    return out
  }
}

// MARK: - Kernel visitors

struct ArithmeticKernel: DTypeVisitor {
  let kind: ArithmeticReduction, input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) {
    let pointer = out.pointer(as: T.self)
    if T.Compute.self is any FloatComputeScalar.Type {
      Reduction.run(ArithmeticReducer<T, Double>(kind: kind, out: pointer), input: input, plan: plan)
    } else {
      Reduction.run(ArithmeticReducer<T, Int64>(kind: kind, out: pointer), input: input, plan: plan)
    }
  }
}

struct ExtremumKernel: DTypeVisitor {
  let largest: Bool, input: Tensor, values: Tensor?, indices: Tensor?, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) {
    let reducer = ExtremumReducer<T>(
      largest: largest, values: values?.pointer(as: T.self), indices: indices?.pointer(as: Int64.self))
    Reduction.run(reducer, input: input, plan: plan)
  }
}

struct TruthKernel: DTypeVisitor {
  let all: Bool, input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) {
    Reduction.run(TruthReducer<T>(all: all, out: out.pointer(as: Bool.self)), input: input, plan: plan)
  }
}

struct CountNonzeroKernel: DTypeVisitor {
  let input: Tensor, out: Tensor, plan: ReductionPlan
  func visit<T: TensorScalar>(_: T.Type) {
    Reduction.run(CountNonzeroReducer<T>(out: out.pointer(as: Int64.self)), input: input, plan: plan)
  }
}
