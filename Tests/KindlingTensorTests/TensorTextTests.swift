import KindlingStorage
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// One tensor and PyTorch's `repr` of it, from `Fixtures/format.json`.
private struct FormatCase: Decodable {
  let name: String
  let shape: [Int]
  let dtype: DType
  let values: PrintableValues
  let suffixes: [String]
  let repr: String
  let options: PrintOptions

  private enum CodingKeys: String, CodingKey { case name, shape, dtype, values, suffixes, repr, options }

  /// The `torch.set_printoptions` arguments a case was printed with, when not the defaults.
  private struct Options: Decodable {
    let precision: Int?
    let threshold: Int?
    let edgeitems: Int?
    let linewidth: Int?
    let sciMode: Bool?

    private enum CodingKeys: String, CodingKey {
      case precision, threshold, edgeitems, linewidth
      case sciMode = "sci_mode"
    }

    var printOptions: PrintOptions {
      let defaults = PrintOptions.default
      return PrintOptions(
        precision: precision ?? defaults.precision, threshold: threshold ?? defaults.threshold,
        edgeitems: edgeitems ?? defaults.edgeitems, linewidth: linewidth ?? defaults.linewidth, sciMode: sciMode)
    }
  }

  /// A floating-point value: a JSON number, or "nan", "inf", "-inf".
  private struct FloatValue: Decodable {
    let value: Double
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let number = try? container.decode(Double.self) {
        value = number
        return
      }
      let text = try container.decode(String.self)
      switch text {
      case "nan": value = .nan
      case "inf": value = .infinity
      case "-inf": value = -.infinity
      default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a float: \(text)")
      }
    }
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    shape = try container.decode([Int].self, forKey: .shape)
    dtype = try container.decode(DType.self, forKey: .dtype)
    suffixes = try container.decode([String].self, forKey: .suffixes)
    repr = try container.decode(String.self, forKey: .repr)
    options = try container.decodeIfPresent(Options.self, forKey: .options)?.printOptions ?? .default
    switch dtype.category {
    case .boolean: values = .bool(try container.decode([Bool].self, forKey: .values))
    case .integral: values = .integer(try container.decode([Int64].self, forKey: .values))
    case .floatingPoint: values = .floating(try container.decode([FloatValue].self, forKey: .values).map(\.value))
    }
  }
}

private struct FormatFixture: Decodable {
  let cases: [FormatCase]
}

@Suite("Tensor text, as PyTorch's repr")
struct TensorTextTests {
  @Test("every fixture tensor renders exactly as PyTorch prints it")
  func fixtures() throws {
    let fixture = try loadFixture("format.json", as: FormatFixture.self)
    #expect(fixture.cases.count >= 80)
    for item in fixture.cases {
      let text = TensorText.render(
        shape: item.shape, dtype: item.dtype, values: item.values, suffixes: item.suffixes, options: item.options)
      #expect(text == item.repr, "\(item.name)")
    }
  }

  @Test("a 2-D float tensor prints fixed-point rows aligned under each other")
  func fixedRows() {
    let text = TensorText.render(shape: [2, 2], dtype: .float32, values: .floating([0.5, 1, 1, 4.0 / 3]))
    #expect(text == "tensor([[0.5000, 1.0000],\n        [1.0000, 1.3333]])")
  }

  @Test("magnitudes more than 1000 apart switch to scientific notation")
  func scientific() {
    let text = TensorText.render(shape: [3], dtype: .float32, values: .floating([51.2, 512, 0.0512]))
    #expect(text == "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])")
  }

  @Test("whole floats print with a trailing point, right-aligned, before a grad_fn suffix")
  func wholeWithGradFn() {
    let text = TensorText.render(
      shape: [3], dtype: .float32, values: .floating([512, 1024, 1536]), suffixes: ["grad_fn=<MulBackward0>"])
    #expect(text == "tensor([ 512., 1024., 1536.], grad_fn=<MulBackward0>)")
  }

  @Test("scalars print without brackets")
  func scalars() {
    #expect(TensorText.render(shape: [], dtype: .float32, values: .floating([27])) == "tensor(27.)")
    #expect(TensorText.render(shape: [], dtype: .float32, values: .floating([2.5])) == "tensor(2.5000)")
    #expect(TensorText.render(shape: [], dtype: .bool, values: .bool([true])) == "tensor(True)")
  }

  @Test("non-default dtypes are named, also for empty tensors")
  func dtypeSuffix() {
    #expect(TensorText.render(shape: [1], dtype: .int32, values: .integer([7])) == "tensor([7], dtype=torch.int32)")
    #expect(TensorText.render(shape: [0], dtype: .int64, values: .integer([])) == "tensor([], dtype=torch.int64)")
    #expect(TensorText.render(shape: [0, 3], dtype: .float32, values: .floating([])) == "tensor([], size=(0, 3))")
  }

  @Test("print options change precision and summarization")
  func options() {
    let twoDigits = PrintOptions(precision: 2)
    #expect(
      TensorText.render(shape: [1], dtype: .float32, values: .floating([1.12345]), options: twoDigits)
        == "tensor([1.12])")
    let small = PrintOptions(threshold: 5)
    #expect(
      TensorText.render(shape: [10], dtype: .int64, values: .integer(Array(0..<10)), options: small)
        == "tensor([0, 1, 2,  ..., 7, 8, 9])")
  }
}
