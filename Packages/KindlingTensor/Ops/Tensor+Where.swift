import KindlingStorage

// where(condition, a, b) and maskedFill.

struct WhereKernel: DTypeVisitor {
  let condition: Tensor, a: Tensor, b: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) {
    Elementwise.zip3(condition, as: Bool.self, a, as: T.self, b, as: T.self, into: out, as: T.self) { $0 ? $1 : $2 }
  }
}

extension Tensor {
  /// `a` where `condition` is true, else `b`, broadcasting all three (`torch.where`); the
  /// dtype promotes `a` with `b`.
  ///
  /// ```swift
  /// let x = Tensor([-1.0, 2.0])
  /// Tensor.where(x .> 0, x, Tensor.zeros([2]))   // tensor([0., 2.])
  /// ```
  /// - Precondition: `condition` is a bool tensor.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let out = select(condition, a, b, op: "where")
    return record(out, "WhereBackward0", a, b, ["condition": condition])
  }

  /// `where` with a number for the false branch (`torch.where(cond, a, 0.0)`).
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Double) -> Tensor {
    `where`(condition, a, Tensor.number(b))
  }

  /// `where` with a number for the true branch.
  public static func `where`(_ condition: Tensor, _ a: Double, _ b: Tensor) -> Tensor {
    `where`(condition, Tensor.number(a), b)
  }

  static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
    let joined = onOneDevice([condition, a, b], op: op)
    let (condition, a, b) = (joined[0], joined[1], joined[2])
    precondition(
      condition.dtype == .bool,
      "\(op): where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.pytorchTitle)")
    let compute = resultType([a, b])
    let shape = broadcastShape([condition, a, b], op: op)
    let out = Tensor(uninitializedShape: shape, dtype: compute, device: a.device)
    if out.device != .cpu {
      let work = DeviceWork.select(
        condition: condition.expand(shape, op: op), a.to(compute).expand(shape, op: op),
        b.to(compute).expand(shape, op: op), output: out)
      DeviceRegistry.run(work, on: out.device)
      return out
    }
    compute.dispatch(
      WhereKernel(
        condition: condition.expand(shape, op: op), a: a.to(compute).expand(shape, op: op),
        b: b.to(compute).expand(shape, op: op), out: out))
    return out
  }

  /// A copy with `value` where `mask` is true (`masked_fill`); the mask broadcasts with this
  /// tensor, and the value is converted to this dtype.
  ///
  /// ```swift
  /// Tensor([1.0, 2.0, 3.0]).maskedFill(Tensor([true, false, true]), -1)   // tensor([-1.,  2., -1.])
  /// ```
  public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
    let out = maskedFilled(mask, fill(value), op: "masked_fill")
    return record(out, "MaskedFillBackward0", self, ["mask": mask, "value": value])
  }

  /// `maskedFill` with a 0-dimensional tensor value, which can carry a gradient.
  @_disfavoredOverload
  public func maskedFill(_ mask: Tensor, _ value: Tensor) -> Tensor {
    precondition(
      value.rank == 0,
      "masked_fill: only supports a 0-dimensional value tensor, but got tensor with \(value.rank) dimension(s).")
    let out = maskedFilled(mask, value.to(dtype), op: "masked_fill")
    return record(out, "MaskedFillBackward1", self, value, ["mask": mask])
  }

  /// `maskedFill` in place (`masked_fill_`); the mask must broadcast to this shape.
  @discardableResult
  public func maskedFill_(_ mask: Tensor, _ value: Double) -> Tensor {
    if GradMode.isEnabled && requiresGrad {
      return rebasingHistory("masked_fill_", outOfPlace: { $0.maskedFill(mask, value) }) { self }
    }
    checkInPlaceAllowed(op: "masked_fill_")
    let filled = maskedFilled(mask, fill(value), op: "masked_fill_")
    precondition(
      filled.shape == shape, "masked_fill_: output with shape \(shape) doesn't match the broadcast shape \(filled.shape)")
    return assign(filled)
  }

  /// `value` as a 0-d tensor of this dtype (a float value truncates into an integer tensor).
  private func fill(_ value: Double) -> Tensor {
    let t = Tensor(uninitializedShape: [], dtype: dtype, device: device)
    t.fill_(value)
    return t
  }

  private func maskedFilled(_ mask: Tensor, _ value: Tensor, op: String) -> Tensor {
    precondition(
      mask.dtype == .bool, "\(op): masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.cppName)")
    let selected = Tensor.select(mask, value, self, op: op)
    return selected.dtype == dtype ? selected : selected.to(dtype)
  }
}
