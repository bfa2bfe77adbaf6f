import KindlingStorage

// clamp (scalar or tensor bounds), maximum, minimum (NaN propagates), lerp.

struct MaximumOp: SameTypeBinaryOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C { propagatingMax(a, b) }
}

struct MinimumOp: SameTypeBinaryOp {
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C { propagatingMin(a, b) }
}

/// `min(max(x, lower), upper)` with tensor bounds; NaN anywhere gives NaN.
struct ClampKernel: DTypeVisitor {
  let x: Tensor, lower: Tensor, upper: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) {
    Elementwise.zip3(x, as: T.self, lower, as: T.self, upper, as: T.self, into: out, as: T.self) {
      propagatingMin(propagatingMax($0, $1), $2)
    }
  }
}

/// `a + w (b - a)`, computed from the nearer end as PyTorch does for accuracy.
@inline(__always)
func lerp<C: FloatComputeScalar>(_ a: C, _ b: C, _ w: C) -> C {
  Swift.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
}

struct LerpScalarOp: FloatBinaryOp {
  let weight: Double
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "LerpScalarOp", parameters: [weight]) }
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C { lerp(a, b, C(weight)) }
}

struct LerpKernel: FloatVisitor {
  let a: Tensor, b: Tensor, weight: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Elementwise.zip3(a, as: T.self, b, as: T.self, weight, as: T.self, into: out, as: T.self) { lerp($0, $1, $2) }
  }
}

extension Tensor {
  /// The larger of two elements, broadcasting and promoting (`maximum`); NaN wins.
  ///
  /// ```swift
  /// Tensor([1.0, 5.0]).maximum(Tensor([3.0, .nan]))   // tensor([3., nan])
  /// ```
  public func maximum(_ other: Tensor) -> Tensor {
    let out = Tensor.binary(self, other, op: "maximum", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: MaximumOp(), a: a, b: b, out: out))
    }
    return record(out, "MaximumBackward0", self, other)
  }

  /// The smaller of two elements (`minimum`); NaN wins.
  public func minimum(_ other: Tensor) -> Tensor {
    let out = Tensor.binary(self, other, op: "minimum", typing: .promoted) { a, b, out in
      out.dtype.dispatch(SameTypeBinaryKernel(op: MinimumOp(), a: a, b: b, out: out))
    }
    return record(out, "MinimumBackward0", self, other)
  }

  /// Each element limited to `[min, max]` (`clamp`); either bound may be left out. NaN stays
  /// NaN; when `min > max` every element becomes `max`. The dtype promotes with the bounds as
  /// with Python numbers (an integer tensor clamped by 0.5 gives float32).
  ///
  /// ```swift
  /// Tensor([-2.0, 0.5, 4.0]).clamp(min: 0, max: 1)   // tensor([0.0000, 0.5000, 1.0000])
  /// ```
  public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
    let out = clampScalar(min: min, max: max, op: "clamp")
    var attributes: [String: Any] = [:]
    if let min { attributes["min"] = min }
    if let max { attributes["max"] = max }
    return record(out, "ClampBackward1", self, attributes)
  }

  /// Each element limited by tensor bounds, broadcasting all three (`clamp`); a NaN bound
  /// gives NaN.
  ///
  /// ```swift
  /// Tensor([1.0, 5.0]).clamp(min: Tensor([2.0, 0.0]), max: Tensor([3.0]))   // tensor([2., 3.])
  /// ```
  @_disfavoredOverload
  public func clamp(min: Tensor?, max: Tensor?) -> Tensor {
    let out: Tensor
    switch (min, max) {
    case (nil, nil):
      preconditionFailure("clamp: At least one of 'min' or 'max' must not be None")
    case (let lower?, nil):
      out = Tensor.binary(self, lower, op: "clamp", typing: .promoted) { a, b, out in
        out.dtype.dispatch(SameTypeBinaryKernel(op: MaximumOp(), a: a, b: b, out: out))
      }
    case (nil, let upper?):
      out = Tensor.binary(self, upper, op: "clamp", typing: .promoted) { a, b, out in
        out.dtype.dispatch(SameTypeBinaryKernel(op: MinimumOp(), a: a, b: b, out: out))
      }
    case (let lower?, let upper?):
      let compute = Tensor.resultType([self, lower, upper])
      let shape = Tensor.broadcastShape([self, lower, upper], op: "clamp")
      out = Tensor(uninitializedShape: shape, dtype: compute, device: device)
      let (x, lo, hi) = (to(compute), lower.to(compute), upper.to(compute))
      compute.dispatch(
        ClampKernel(
          x: x.expand(shape, op: "clamp"), lower: lo.expand(shape, op: "clamp"), upper: hi.expand(shape, op: "clamp"),
          out: out))
    }
    return record(out, "ClampBackward0", [self] + [min, max].compactMap { $0 })
  }

  func clampScalar(min: Double?, max: Double?, op: String, into destination: Tensor? = nil) -> Tensor {
    precondition(min != nil || max != nil, "\(op): At least one of 'min' or 'max' must not be None")
    let bounds = [min, max].compactMap { $0 }.map { $0 == $0.rounded() && Swift.abs($0) < 9e15 ? Tensor.number(Int($0)) : .number($0) }
    let compute = Tensor.resultType([self] + bounds)
    if let destination { checkCast(compute, into: destination, op: op) }
    return unary(op: op, compute: compute, into: destination) { x, out in
      out.dtype.dispatch(SameTypeUnaryKernel(op: ClampScalarOp(lower: min, upper: max, dtype: compute), x: x, out: out))
    }
  }

  /// `clamp` in place (`clamp_`).
  @discardableResult
  public func clamp_(min: Double? = nil, max: Double? = nil) -> Tensor {
    rebasingHistory("clamp_", outOfPlace: { $0.clamp(min: min, max: max) }) {
      clampScalar(min: min, max: max, op: "clamp_", into: self)
    }
  }

  /// Linear interpolation `self + weight * (end - self)` (`lerp`); floating point only, and
  /// `end` must have this tensor's dtype.
  ///
  /// ```swift
  /// Tensor([0.0, 10.0]).lerp(Tensor([10.0, 20.0]), 0.5)   // tensor([ 5., 15.])
  /// ```
  public func lerp(_ end: Tensor, _ weight: Double) -> Tensor {
    checkLerp(end, nil, kernel: "lerp_kernel_scalar")
    let out = Tensor.binary(self, end, op: "lerp", typing: .promoted) { a, b, out in
      out.dtype.dispatchFloat(FloatBinaryKernel(op: LerpScalarOp(weight: weight), a: a, b: b, out: out), op: "lerp")
    }
    return record(out, "LerpBackward0", self, end, ["weight": weight])
  }

  /// Linear interpolation with a tensor of weights, broadcasting all three (`lerp`).
  @_disfavoredOverload
  public func lerp(_ end: Tensor, _ weight: Tensor) -> Tensor {
    checkLerp(end, weight, kernel: "lerp_kernel_tensor")
    let shape = Tensor.broadcastShape([self, end, weight], op: "lerp")
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    dtype.dispatchFloat(
      LerpKernel(
        a: expand(shape, op: "lerp"), b: end.expand(shape, op: "lerp"), weight: weight.expand(shape, op: "lerp"),
        out: out), op: "lerp")
    return record(out, "LerpBackward1", [self, end, weight])
  }

  private func checkLerp(_ end: Tensor, _ weight: Tensor?, kernel: String) {
    Tensor.checkSameDevice([self, end] + (weight.map { [$0] } ?? []), op: "lerp")
    precondition(
      end.dtype == dtype, "lerp: expected dtype \(dtype.cppName) for `end` but got dtype \(end.dtype.cppName)")
    if let weight {
      precondition(
        weight.dtype == dtype,
        "lerp: expected dtype \(dtype.cppName) for `weight` but got dtype \(weight.dtype.cppName)")
    }
    Tensor.checkImplemented(dtype.isFloatingPoint, op: "lerp", kernel: kernel, dtype: dtype)
  }
}
