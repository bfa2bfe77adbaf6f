import KindlingStorage

extension Tensor {
  /// `dim` in `0 ..< rank` (negative counts from the end); stops with PyTorch's message,
  /// prefixed by `op`, when out of range.
  func normalizedDim(_ dim: Int, op: String, rank: Int? = nil) -> Int {
    do {
      return try Shape.normalize(dimension: dim, rank: rank ?? self.rank)
    } catch {
      preconditionFailure("\(op): \(error)")
    }
  }

  /// Stops unless every tensor is on the same device, naming `op` and the devices.
  /// ``checkSameDevice(_:op:)`` for two or three operands, without building an array unless
  /// the check fails.
  static func checkSameDevice(_ a: Tensor, _ b: Tensor, _ c: Tensor? = nil, op: String) {
    let device = a.device
    guard b.device == device, c.map({ $0.device == device }) ?? true else {
      return checkSameDevice([a, b] + (c.map { [$0] } ?? []), op: op)
    }
  }

  static func checkSameDevice(_ tensors: [Tensor], op: String) {
    guard let first = tensors.first?.device else { return }
    for t in tensors where t.device != first {
      preconditionFailure(
        "\(op): Expected all tensors to be on the same device, but found at least two devices, \(first) and "
          + "\(t.device)! Move them with .to(_:) first.")
    }
  }

  /// `tensors` on one device: as in PyTorch, 0-d CPU tensors (Swift numbers, scalars from
  /// `sum()`) join the device of the others; any other mix stops, naming both devices.
  static func onOneDevice(_ tensors: [Tensor], op: String) -> [Tensor] {
    guard let target = tensors.first(where: { $0.device != .cpu || $0.rank != 0 })?.device ?? tensors.first?.device
    else { return tensors }
    return tensors.map { t in
      if t.device == target { return t }
      guard t.device == .cpu && t.rank == 0 else {
        checkSameDevice([tensors.first { $0.device == target }!, t], op: op)
        return t
      }
      do {
        // A Swift number stays a wrapped number (it yields in type promotion); a scalar tensor
        // moves like any other, gradient included.
        guard t.isWrappedNumber else { return try t.to(target) }
        let moved = try GradMode.with(enabled: false) { () throws(DeviceError) in try t.to(target) }
        return Tensor(storage: moved.storage, shape: [], strides: [], dtype: moved.dtype, wrapped: true)
      } catch {
        preconditionFailure("\(op): \(error)")
      }
    }
  }

  /// The shape `tensors` broadcast to; stops with PyTorch's message, prefixed by `op`.
  static func broadcastShape(_ tensors: [Tensor], op: String) -> [Int] {
    var shape = tensors[0].shape
    for t in tensors.dropFirst() {
      do {
        shape = try Shape.broadcast(shape, t.shape)
      } catch {
        preconditionFailure("\(op): \(error)")
      }
    }
    return shape
  }

  /// How this operand counts in type promotion.
  var promotionOperand: PromotionOperand {
    if isWrappedNumber {
      switch dtype.category {
      case .boolean: return .scalar(.boolean)
      case .integral: return .scalar(.integer)
      case .floatingPoint: return .scalar(.floatingPoint)
      }
    }
    return rank == 0 ? .zeroDimensional(dtype) : .tensor(dtype)
  }

  /// The dtype an op on `tensors` computes in (`torch.result_type`).
  static func resultType(_ tensors: [Tensor]) -> DType {
    DType.resultType(of: tensors.map(\.promotionOperand))
  }
}
