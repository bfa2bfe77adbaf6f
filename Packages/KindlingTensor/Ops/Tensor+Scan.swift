import KindlingStorage

// cumsum and cumprod: running sums and products along one dimension.

extension Tensor {
  /// The running sums along `dim` (`cumsum`): element `i` is the sum of elements `0...i`.
  /// Integer and bool tensors give int64; `dtype` converts the input first.
  ///
  /// ```swift
  /// Tensor([[1, 2], [3, 4]]).cumsum(dim: 0)   // tensor([[1, 2], [4, 6]])
  /// Tensor([1.0, 2.0, 3.0]).cumsum(dim: -1)   // tensor([1., 3., 6.])
  /// ```
  public func cumsum(dim: Int, dtype: DType? = nil) -> Tensor {
    let d = normalizedDim(dim, op: "cumsum")
    let out = scan(product: false, dim: d, dtype: dtype)
    return record(out, "CumsumBackward0", self, ["dim": d])
  }

  /// The running products along `dim` (`cumprod`); integers and bools give int64.
  ///
  /// ```swift
  /// Tensor([1, 2, 3, 4]).cumprod(dim: 0)   // tensor([ 1,  2,  6, 24])
  /// ```
  public func cumprod(dim: Int, dtype: DType? = nil) -> Tensor {
    let d = normalizedDim(dim, op: "cumprod")
    let out = scan(product: true, dim: d, dtype: dtype)
    return record(out, "CumprodBackward0", self, ["dim": d])
  }

  private func scan(product: Bool, dim: Int, dtype: DType?) -> Tensor {
    let type = dtype ?? (self.dtype.isFloatingPoint ? self.dtype : .int64)
    let input = converted(to: type)
    let out = Tensor(uninitializedShape: shape, dtype: type, device: device)
    type.dispatch(ScanKernel(product: product, input: input, out: out, dim: dim))
    return out
  }
}

struct ScanKernel: DTypeVisitor {
  let product: Bool, input: Tensor, out: Tensor, dim: Int

  func visit<T: TensorScalar>(_: T.Type) {
    if T.Compute.self is any FloatComputeScalar.Type {
      run(T.self, accumulating: Double.self)
    } else {
      run(T.self, accumulating: Int64.self)
    }
  }

  private func run<T: TensorScalar, A: ReductionAccumulator>(_: T.Type, accumulating _: A.Type) {
    let x = input.pointer(as: T.self), y = out.pointer(as: T.self)
    let product = product
    Reduction.forEachLine(shape: input.shape, dim: dim, strides: [input.strides, out.strides]) { o, n, s in
      var acc: A = product ? .one : .zero
      for i in 0..<n {
        let v = A.of(x[o[0] + i * s[0]].compute)
        acc = product ? A.multiply(acc, v) : A.add(acc, v)
        y[o[1] + i * s[1]] = T(compute: acc.converted())
      }
    }
  }
}
