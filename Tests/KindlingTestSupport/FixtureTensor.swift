/// Test helpers shared by the test targets of the modules built on tensors: fixture tensors
/// written by `Tools/fixtures/common.encode` and a tolerant comparison with PyTorch's values.
import KindlingTensor
import Testing

/// A number in a fixture: JSON numbers, or "nan", "inf", "-inf" as strings.
public struct FixtureNumber: Decodable, Hashable, Sendable {
  public let value: Double

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let number = try? container.decode(Double.self) {
      value = number
    } else {
      let text = try container.decode(String.self)
      switch text {
      case "nan": value = .nan
      case "inf": value = .infinity
      case "-inf": value = -.infinity
      default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: \(text)")
      }
    }
  }
}

/// A tensor written by `common.encode` in Tools/fixtures: shape, dtype, row-major values.
public struct FixtureTensor: Decodable, Sendable {
  public let shape: [Int]
  public let dtype: String
  public let values: [FixtureNumber]

  public var kindlingDType: DType { DType(pytorchName: dtype)! }

  /// The tensor, built exactly (integers through Int64, floats through Double).
  public var tensor: Tensor {
    let type = kindlingDType
    if type.isFloatingPoint {
      return Tensor(scalars: values.map(\.value), shape: shape).to(type)
    }
    return Tensor(scalars: values.map { Int64($0.value) }, shape: shape).to(type)
  }
}

/// Checks that `actual` has the fixture's shape and dtype and its values: exactly for
/// integers and bools, within a relative tolerance for floats (NaN matches NaN).
public func expectMatches(
  _ actual: Tensor, _ expected: FixtureTensor, relativeTolerance: Double? = nil, absoluteTolerance: Double = 1e-6,
  _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.shape == expected.shape, comment, sourceLocation: sourceLocation)
  #expect(actual.dtype == expected.kindlingDType, comment, sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  let got = actual.scalars(as: Double.self)
  let tolerance = relativeTolerance ?? defaultTolerance(expected.kindlingDType)
  for (i, (g, e)) in zip(got, expected.values.map(\.value)).enumerated() {
    if e.isNaN {
      #expect(g.isNaN, "element \(i): expected nan, got \(g) \(comment.map { "— \($0)" } ?? "")", sourceLocation: sourceLocation)
      if !g.isNaN { return }
    } else if e.isInfinite || tolerance == 0 {
      #expect(g == e, "element \(i): expected \(e), got \(g) \(comment.map { "— \($0)" } ?? "")", sourceLocation: sourceLocation)
      if g != e { return }
    } else {
      let ok = abs(g - e) <= absoluteTolerance + tolerance * abs(e)
      #expect(ok, "element \(i): expected \(e), got \(g) \(comment.map { "— \($0)" } ?? "")", sourceLocation: sourceLocation)
      if !ok { return }
    }
  }
}

/// Relative tolerances by dtype: exact for integers and bools.
public func defaultTolerance(_ dtype: DType) -> Double {
  switch dtype {
  case .float16: 1e-3
  case .bfloat16: 1e-2
  case .float32: 1e-5
  case .float64: 1e-12
  default: 0
  }
}
