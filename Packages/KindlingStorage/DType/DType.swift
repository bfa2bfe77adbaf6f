/// The element type of a tensor, named as PyTorch names it.
///
/// Every case knows its size in bytes and its category (boolean, integral, floating point),
/// which is what PyTorch's type-promotion rules are written in terms of
/// (see ``DType/promoted(_:_:)`` and ``DType/resultType(of:)``).
///
/// ```swift
/// let t = DType.float32
/// print(t, t.itemSize, t.pytorchName)   // float32 4 torch.float32
/// ```
public enum DType: String, CaseIterable, Sendable, Hashable, Codable {
  case bool
  case uint8
  case int8
  case int16
  case int32
  case int64
  case float16
  case bfloat16
  case float32
  case float64

  /// The dtype PyTorch gives floating-point values that carry no dtype of their own
  /// (`torch.get_default_dtype()`): `float32`.
  public static let defaultFloatingPoint: DType = .float32

  /// The dtype of integer values that carry no dtype of their own (Swift integer literals,
  /// Python ints in PyTorch): `int64`.
  public static let defaultIntegral: DType = .int64

  /// Size of one element in bytes (`torch.dtype.itemsize`).
  public var itemSize: Int {
    switch self {
    case .bool, .uint8, .int8: 1
    case .int16, .float16, .bfloat16: 2
    case .int32, .float32: 4
    case .int64, .float64: 8
    }
  }

  /// The three categories PyTorch's promotion rules distinguish.
  public enum Category: Int, Comparable, Sendable {
    case boolean, integral, floatingPoint
    public static func < (a: Category, b: Category) -> Bool { a.rawValue < b.rawValue }
  }

  /// This dtype's category: `bool` is boolean, the integer types integral, the rest floating point.
  public var category: Category {
    switch self {
    case .bool: .boolean
    case .uint8, .int8, .int16, .int32, .int64: .integral
    case .float16, .bfloat16, .float32, .float64: .floatingPoint
    }
  }

  /// `true` for float16, bfloat16, float32 and float64 (`torch.dtype.is_floating_point`).
  public var isFloatingPoint: Bool { category == .floatingPoint }

  /// `true` for the integer types, and for `bool` when `includingBool` is set
  /// (PyTorch's `isIntegralType(t, includeBool)`).
  public func isIntegral(includingBool: Bool) -> Bool {
    category == .integral || (includingBool && self == .bool)
  }

  /// `true` when the type can hold negative values (`torch.dtype.is_signed`).
  public var isSigned: Bool {
    switch self {
    case .bool, .uint8: false
    default: true
    }
  }

  /// The name PyTorch prints, for example `torch.float32` in `tensor([1], dtype=torch.int32)`.
  public var pytorchName: String { "torch.\(rawValue)" }

  /// Parses a PyTorch dtype name, with or without the `torch.` prefix, including PyTorch's
  /// aliases (`float`, `double`, `half`, `long`, `int`, `short`).
  ///
  /// ```swift
  /// DType(pytorchName: "torch.long")   // .int64
  /// ```
  public init?(pytorchName: String) {
    let name = pytorchName.hasPrefix("torch.") ? String(pytorchName.dropFirst(6)) : pytorchName
    let aliases: [String: DType] = [
      "float": .float32, "double": .float64, "half": .float16,
      "long": .int64, "int": .int32, "short": .int16,
    ]
    guard let dtype = DType(rawValue: name) ?? aliases[name] else { return nil }
    self = dtype
  }
}

extension DType: CustomStringConvertible {
  /// The short name (`float32`), as Kindling prints dtypes on their own.
  public var description: String { rawValue }
}
