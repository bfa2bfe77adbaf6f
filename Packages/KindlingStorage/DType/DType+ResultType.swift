// PyTorch's `torch.result_type`: which dtype an op computes in when its operands are dimensioned
// tensors, zero-dimensional tensors and plain numbers ("wrapped" Python scalars).

/// The kind of a plain number taking part in an op, such as the `2` in `x + 2`.
public enum ScalarKind: Sendable, Hashable, CaseIterable {
  /// A `Bool` (Python's `True`).
  case boolean
  /// An integer literal or Swift integer (Python's `int`): an `int64` that yields to tensors.
  case integer
  /// A floating-point literal or Swift float (Python's `float`): the default float dtype,
  /// yielding to floating-point tensors.
  case floatingPoint

  /// The dtype a number of this kind has on its own.
  public var dtype: DType {
    switch self {
    case .boolean: .bool
    case .integer: DType.defaultIntegral
    case .floatingPoint: DType.defaultFloatingPoint
    }
  }
}

/// One operand of an op, as far as dtype promotion is concerned.
public enum PromotionOperand: Sendable, Hashable {
  /// A tensor with one or more dimensions.
  case tensor(DType)
  /// A tensor with no dimensions (`torch.tensor(3.0)`): it only decides the dtype when its
  /// category is higher than the dimensioned tensors'.
  case zeroDimensional(DType)
  /// A plain number: it only decides the dtype when its category is higher than every tensor's,
  /// and then gives its kind's default dtype.
  case scalar(ScalarKind)
}

extension DType {
  /// The dtype an op computes in for these operands (`torch.result_type`).
  ///
  /// Dimensioned tensors outrank zero-dimensional tensors, which outrank plain numbers; a
  /// lower rank only matters when its category (bool < integral < floating point) is higher.
  ///
  /// ```swift
  /// DType.resultType(of: [.tensor(.int32), .scalar(.integer)])        // .int32
  /// DType.resultType(of: [.tensor(.int32), .scalar(.floatingPoint)])  // .float32
  /// DType.resultType(of: [.tensor(.uint8), .zeroDimensional(.float64)]) // .float64
  /// ```
  ///
  /// - Precondition: `operands` is not empty.
  public static func resultType(of operands: [PromotionOperand]) -> DType {
    precondition(!operands.isEmpty, "result_type: needs at least one operand")
    var dimensioned: DType?
    var zeroDimensional: DType?
    var scalars: DType?
    for operand in operands {
      switch operand {
      case .tensor(let t): dimensioned = promotedSkippingNil(dimensioned, t)
      case .zeroDimensional(let t): zeroDimensional = promotedSkippingNil(zeroDimensional, t)
      case .scalar(let kind): scalars = promotedSkippingNil(scalars, kind.dtype)
      }
    }
    let lower = combineCategories(higher: zeroDimensional, lower: scalars)
    return combineCategories(higher: dimensioned, lower: lower)!
  }

  private static func promotedSkippingNil(_ a: DType?, _ b: DType) -> DType {
    a.map { promoted($0, b) } ?? b
  }

  /// A lower-ranked dtype only wins when its category is higher; a boolean higher rank always
  /// promotes.
  private static func combineCategories(higher: DType?, lower: DType?) -> DType? {
    guard let higher else { return lower }
    guard let lower else { return higher }
    if higher.isFloatingPoint { return higher }
    if higher == .bool || lower.isFloatingPoint { return promoted(higher, lower) }
    return higher
  }
}
