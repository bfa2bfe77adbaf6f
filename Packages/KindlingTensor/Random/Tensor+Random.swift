import KindlingStorage

// Random tensors. With the same seed they hold PyTorch's numbers bit for bit for float32 and
// float64 (see Generator+Distributions.swift); float16 and bfloat16 are drawn in float32 and
// rounded.

extension Tensor {
  /// Runs `fill` on this tensor's elements when it is contiguous, else on a contiguous
  /// scratch tensor that is then copied in. `fill` gets a Float or Double buffer.
  ///
  /// A tensor on a device is filled from the CPU generator through a scratch tensor, so a seed
  /// gives the same numbers on every device (PyTorch's CUDA generator, Philox, gives others).
  private func fillRandom(
    op: String, _ fill: (_ floats: UnsafeMutableBufferPointer<Float>?, _ doubles: UnsafeMutableBufferPointer<Double>?)
      -> Void
  ) {
    precondition(dtype.isFloatingPoint, "\(op) expects a floating-point tensor, but got \(dtype)")
    checkInPlaceAllowed(op: op)
    storage.version += 1
    let target =
      device == .cpu && isContiguous && (dtype == .float32 || dtype == .float64)
      ? self : Tensor(uninitializedShape: shape, dtype: dtype == .float64 ? .float64 : .float32)
    if target.dtype == .float64 {
      fill(nil, UnsafeMutableBufferPointer(start: target.pointer(as: Double.self), count: count))
    } else {
      fill(UnsafeMutableBufferPointer(start: target.pointer(as: Float.self), count: count), nil)
    }
    if target !== self { assign(target) }
  }

  /// Fills with samples from `[from, to)` in place (`uniform_`).
  @discardableResult
  public func uniform_(from: Double = 0, to: Double = 1, generator: Generator = .default) -> Tensor {
    fillRandom(op: "uniform_") { f, d in
      if let f { generator.fillUniform(f, from: from, to: to) }
      if let d { generator.fillUniform(d, from: from, to: to) }
    }
    return self
  }

  /// Fills with normal samples in place (`normal_`).
  @discardableResult
  public func normal_(mean: Double = 0, std: Double = 1, generator: Generator = .default) -> Tensor {
    fillRandom(op: "normal_") { f, d in
      if let f { generator.fillNormal(f, mean: mean, std: std) }
      if let d { generator.fillNormal(d, mean: mean, std: std) }
    }
    return self
  }

  /// Sets each element to 1 with probability `p`, else 0, in place (`bernoulli_`).
  @discardableResult
  public func bernoulli_(_ p: Double, generator: Generator = .default) -> Tensor {
    fillRandom(op: "bernoulli_") { f, d in
      if let f { generator.fillBernoulli(f, p: p) }
      if let d { generator.fillBernoulli(d, p: p) }
    }
    return self
  }

  /// Uniform samples from `[0, 1)` (`torch.rand`).
  ///
  /// ```swift
  /// manualSeed(0)
  /// print(Tensor.rand([3, 4]))   // tensor([[0.4963, 0.7682, 0.0885, 0.1320], ...
  /// ```
  public static func rand(
    _ shape: [Int], dtype: DType = .float32, generator: Generator = .default, requiresGrad: Bool = false
  ) -> Tensor {
    let t = Tensor(uninitializedShape: shape, dtype: dtype).uniform_(generator: generator)
    if requiresGrad { t.requiresGrad = true }
    return t
  }

  /// Standard normal samples (`torch.randn`).
  ///
  /// ```swift
  /// let w = Tensor.randn([5, 3], requiresGrad: true)
  /// ```
  public static func randn(
    _ shape: [Int], dtype: DType = .float32, generator: Generator = .default, requiresGrad: Bool = false
  ) -> Tensor {
    let t = Tensor(uninitializedShape: shape, dtype: dtype).normal_(generator: generator)
    if requiresGrad { t.requiresGrad = true }
    return t
  }

  /// `rand` with `other`'s shape (`torch.rand_like`); the dtype defaults to `other`'s.
  public static func randLike(_ other: Tensor, dtype: DType? = nil, generator: Generator = .default) -> Tensor {
    rand(other.shape, dtype: dtype ?? other.dtype, generator: generator)
  }

  /// `randn` with `other`'s shape (`torch.randn_like`).
  public static func randnLike(_ other: Tensor, dtype: DType? = nil, generator: Generator = .default) -> Tensor {
    randn(other.shape, dtype: dtype ?? other.dtype, generator: generator)
  }

  /// Integers drawn uniformly from `[low, high)` (`torch.randint`); int64 unless `dtype` says.
  ///
  /// ```swift
  /// Tensor.randint(0, 10, [5])
  /// ```
  public static func randint(
    _ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator = .default
  ) -> Tensor {
    let t = Tensor(uninitializedShape: shape, dtype: dtype)
    t.dtype.dispatch(RandintFill(tensor: t, low: Int64(low), high: Int64(high), generator: generator))
    return t
  }

  /// `randint(0, high, shape)`.
  public static func randint(_ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator = .default)
    -> Tensor
  { randint(0, high, shape, dtype: dtype, generator: generator) }

  /// A random permutation of `0 ..< n` (`torch.randperm`).
  ///
  /// ```swift
  /// manualSeed(0)
  /// print(Tensor.randperm(10))   // tensor([4, 1, 7, 5, 3, 9, 0, 8, 6, 2])
  /// ```
  public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator = .default) -> Tensor {
    precondition(n >= 0, "randperm: n must be non-negative, got \(n)")
    return Tensor(scalars: generator.randperm(n), shape: [n]).to(dtype)
  }

  /// 1 with probability `self[i]`, else 0, elementwise (`torch.bernoulli(p)`).
  public func bernoulli(generator: Generator = .default) -> Tensor {
    precondition(dtype == .float32 || dtype == .float64, "bernoulli expects a float32 or float64 probability tensor, but got \(dtype)")
    // On a device the draws happen on the CPU generator (as for every random fill) and move.
    if device != .cpu {
      do {
        return try GradMode.with(enabled: false) { () throws(DeviceError) in try onCPU(op: "bernoulli").bernoulli(generator: generator).to(device) }
      } catch {
        preconditionFailure("bernoulli: \(error)")
      }
    }
    let p = contiguous()
    let out = Tensor(uninitializedShape: shape, dtype: dtype)
    if dtype == .float64 {
      generator.fillBernoulli(
        UnsafeMutableBufferPointer(start: out.pointer(as: Double.self), count: count),
        probabilities: UnsafeBufferPointer(start: p.pointer(as: Double.self), count: count))
    } else {
      generator.fillBernoulli(
        UnsafeMutableBufferPointer(start: out.pointer(as: Float.self), count: count),
        probabilities: UnsafeBufferPointer(start: p.pointer(as: Float.self), count: count))
    }
    return out
  }
}

/// `randint` for any dtype: integer and float32/float64 elements are drawn directly, the rest
/// (bool, float16, bfloat16) as int64 and converted.
private struct RandintFill: DTypeVisitor {
  let tensor: Tensor, low: Int64, high: Int64, generator: Generator

  func visit<T: TensorScalar>(_: T.Type) {
    if let integer = T.self as? any FixedWidthInteger.Type {
      fill(integer)
    } else if let float = T.self as? any RandomFloatingPoint.Type {
      fill(float)
    } else {
      let wide = Tensor(uninitializedShape: tensor.shape, dtype: .int64)
      RandintFill(tensor: wide, low: low, high: high, generator: generator).fill(Int64.self)
      tensor.assign(wide)
    }
  }

  private func buffer<E>(_: E.Type) -> UnsafeMutableBufferPointer<E> {
    UnsafeMutableBufferPointer(start: tensor.pointer(as: E.self), count: tensor.count)
  }

  func fill<E: FixedWidthInteger>(_ type: E.Type) { generator.fillRandint(buffer(type), low: low, high: high) }
  func fill<E: RandomFloatingPoint>(_ type: E.Type) { generator.fillRandint(buffer(type), low: low, high: high) }
}
