import KindlingStorage

extension Tensor {
  /// A tensor holding a Swift number, `Bool`, or nested array of them (`torch.tensor`).
  ///
  /// Integer literals give int64, floating-point literals float32, `dtype` overrides.
  ///
  /// ```swift
  /// let a = Tensor([[1, 2], [3, 4]])           // int64, shape [2, 2]
  /// let b = Tensor([2], dtype: .int32)
  /// let w = Tensor([1.0, 2.0], requiresGrad: true)
  /// ```
  public convenience init<L: TensorLiteral>(_ literal: L, dtype: DType? = nil, requiresGrad: Bool = false) {
    var collector = LiteralCollector()
    literal.collect(into: &collector, depth: 0)
    let dtype = dtype ?? collector.dtype ?? .float32
    self.init(uninitializedShape: collector.shape, dtype: dtype)
    fill(fromDoubles: collector.doubles, integers: collector.isInteger ? collector.integers : nil)
    if requiresGrad { self.requiresGrad = true }
  }

  /// A tensor of the given shape holding `scalars` in row-major order.
  ///
  /// ```swift
  /// let t = Tensor(scalars: [1, 2, 3, 4] as [Float], shape: [2, 2])
  /// ```
  public convenience init<T: TensorScalar>(scalars: [T], shape: [Int], requiresGrad: Bool = false) {
    precondition(
      scalars.count == Shape.elementCount(shape),
      "Tensor(scalars:shape:): shape \(shape) is invalid for input of size \(scalars.count)")
    self.init(uninitializedShape: shape, dtype: T.dtype)
    scalars.withUnsafeBufferPointer { source in
      pointer(as: T.self).update(from: source.baseAddress!, count: source.count)
    }
    if requiresGrad { self.requiresGrad = true }
  }

  /// Writes values given as `Double` (and exactly as `Int64` for integer literals) into this
  /// contiguous tensor, converting to its dtype.
  func fill(fromDoubles doubles: [Double], integers: [Int64]?) {
    dtype.dispatch(Fill(tensor: self, doubles: doubles, integers: integers))
  }

  /// A 0-dimensional tensor from a plain Swift number, marked as a wrapped number so it
  /// yields in type promotion (`x + 2` stays int32 for an int32 `x`).
  static func wrapped(_ value: Double, dtype: DType) -> Tensor {
    let t = Tensor(uninitializedShape: [], contiguousStrides: [], dtype: dtype, device: .cpu, wrapped: true)
    t.fill(fromDoubles: [value], integers: dtype.isFloatingPoint ? nil : [Int64(exactly: value) ?? 0])
    return t
  }

  // MARK: - Factories

  /// A tensor of the given shape filled with `value` (`torch.full`).
  ///
  /// ```swift
  /// Tensor.full([2, 2], 7.0)   // tensor([[7., 7.], [7., 7.]])
  /// ```
  public static func full(
    _ shape: [Int], _ value: Double, dtype: DType = .float32, device: Device = .cpu, requiresGrad: Bool = false
  ) -> Tensor {
    let t = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    t.fill_(value)
    if requiresGrad { t.requiresGrad = true }
    return t
  }

  /// A tensor of zeros (`torch.zeros`).
  public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu, requiresGrad: Bool = false)
    -> Tensor
  { full(shape, 0, dtype: dtype, device: device, requiresGrad: requiresGrad) }

  /// A tensor of ones (`torch.ones`).
  ///
  /// ```swift
  /// let x = Tensor.ones([2, 2], requiresGrad: true)
  /// ```
  public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu, requiresGrad: Bool = false)
    -> Tensor
  { full(shape, 1, dtype: dtype, device: device, requiresGrad: requiresGrad) }

  /// An uninitialized tensor (`torch.empty`): its values are whatever the memory held.
  public static func empty(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
    Tensor(uninitializedShape: shape, dtype: dtype, device: device)
  }

  /// Zeros with `other`'s shape, dtype and device (`torch.zeros_like`).
  public static func zerosLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
    zeros(other.shape, dtype: dtype ?? other.dtype, device: other.device)
  }

  /// Ones with `other`'s shape, dtype and device (`torch.ones_like`).
  ///
  /// ```swift
  /// Tensor.onesLike(Tensor([[5, 7], [1, 2]]))   // tensor([[1, 1], [1, 1]])
  /// ```
  public static func onesLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
    ones(other.shape, dtype: dtype ?? other.dtype, device: other.device)
  }

  /// `value` with `other`'s shape, dtype and device (`torch.full_like`).
  public static func fullLike(_ other: Tensor, _ value: Double, dtype: DType? = nil) -> Tensor {
    full(other.shape, value, dtype: dtype ?? other.dtype, device: other.device)
  }

  /// Uninitialized, with `other`'s shape, dtype and device (`torch.empty_like`).
  public static func emptyLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
    empty(other.shape, dtype: dtype ?? other.dtype, device: other.device)
  }

  /// `start, start + step, …` up to but excluding `end` (`torch.arange`). Integer arguments
  /// give int64, as in PyTorch; pass `dtype` for another type.
  ///
  /// ```swift
  /// Tensor.arange(5)               // tensor([0, 1, 2, 3, 4])
  /// Tensor.arange(0, 1, step: 0.25) // float32: tensor([0.0000, 0.2500, 0.5000, 0.7500])
  /// ```
  public static func arange(_ end: Int, dtype: DType = .int64) -> Tensor {
    arange(0, Double(end), step: 1, dtype: dtype)
  }

  /// `start ..< end` in steps of `step`; see ``arange(_:dtype:)``.
  public static func arange(_ start: Int, _ end: Int, step: Int = 1, dtype: DType = .int64) -> Tensor {
    arange(Double(start), Double(end), step: Double(step), dtype: dtype)
  }

  /// Floating-point `arange`; the default dtype is float32.
  public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
    precondition(step != 0, "arange: step must be nonzero")
    precondition(
      (step > 0 && end >= start) || (step < 0 && end <= start),
      "arange: upper bound and larger bound inconsistent with step sign")
    let count = Int(((end - start) / step).rounded(.up))
    let values = (0..<count).map { start + Double($0) * step }
    let t = Tensor(uninitializedShape: [count], dtype: dtype)
    t.fill(fromDoubles: values, integers: dtype.isFloatingPoint ? nil : values.map { Int64($0) })
    return t
  }

  /// `steps` evenly spaced values from `start` to `end`, both included (`torch.linspace`).
  ///
  /// ```swift
  /// Tensor.linspace(0, 1, steps: 5)   // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
  /// ```
  public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32) -> Tensor {
    precondition(steps >= 0, "linspace: number of steps must be non-negative")
    let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
    // PyTorch fills the first half from the start and the second half from the end.
    let half = steps / 2
    let values =
      steps == 1 ? [start] : (0..<steps).map { i in i < half ? start + step * Double(i) : end - step * Double(steps - i - 1) }
    let t = Tensor(uninitializedShape: [steps], dtype: dtype)
    t.fill(fromDoubles: values, integers: nil)
    return t
  }

  /// The identity matrix, `n × m` (`torch.eye`).
  public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
    let m = m ?? n
    let t = zeros([n, m], dtype: dtype)
    for i in 0..<Swift.min(n, m) { t[i, i] = 1 }
    return t
  }
}

/// Writes literal values into a contiguous tensor.
private struct Fill: DTypeVisitor {
  let tensor: Tensor
  let doubles: [Double]
  let integers: [Int64]?
  func visit<T: TensorScalar>(_: T.Type) {
    let out = tensor.pointer(as: T.self)
    if let integers {
      for i in integers.indices { out[i] = T(compute: T.Compute(int64: integers[i])) }
    } else {
      for i in doubles.indices { out[i] = T(compute: T.Compute(double: doubles[i])) }
    }
  }
}
