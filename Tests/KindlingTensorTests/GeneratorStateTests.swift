import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// generator_states.json: PyTorch's `get_state()` after some draws, and what it drew next.
private struct GeneratorStateFixture: Decodable {
  struct Case: Decodable {
    let seed: UInt64
    /// ["rand" | "randn", count] or ["randn", count, "float64"].
    let draws: [[Draw]]
    let state_hex: String
    let rand: FixtureTensor
    let randn: FixtureTensor
  }
  enum Draw: Decodable {
    case text(String), number(Int)
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
    }
  }
  let cases: [Case]
}

private func bytes(hex: String) -> [UInt8] {
  let digits = Array(hex.utf8).map { $0 <= 0x39 ? $0 - 0x30 : $0 - 0x61 + 10 }
  return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Replays a case's draws on `generator`, as the fixture script did in PyTorch.
private func replay(_ draws: [[GeneratorStateFixture.Draw]], on generator: Generator) {
  for draw in draws {
    guard case .text(let kind) = draw[0], case .number(let count) = draw[1] else { continue }
    let dtype: DType = draw.count > 2 ? .float64 : .float32
    _ = kind == "rand" ? Tensor.rand([count], dtype: dtype, generator: generator)
      : Tensor.randn([count], dtype: dtype, generator: generator)
  }
}

@Suite("Generator state")
struct GeneratorStateTests {
  @Test("a state saved by PyTorch restores in Kindling and draws PyTorch's next numbers")
  func restoresPyTorchStates() throws {
    for item in try loadFixture("generator_states.json", as: GeneratorStateFixture.self).cases {
      let generator = Generator(seed: 123)
      generator.setState(try GeneratorState(tensor: Tensor(scalars: bytes(hex: item.state_hex), shape: [5056])))
      expectMatches(Tensor.rand([5], generator: generator), item.rand, relativeTolerance: 0, absoluteTolerance: 0)
      expectMatches(
        Tensor.randn([3], dtype: .float64, generator: generator), item.randn, relativeTolerance: 0, absoluteTolerance: 0)
      #expect(generator.initialSeed == item.seed)
    }
  }

  @Test("Kindling's state after the same draws is PyTorch's get_state() byte for byte")
  func matchesPyTorchBytes() throws {
    let cases = try loadFixture("generator_states.json", as: GeneratorStateFixture.self).cases
    #expect(cases.contains { (try? GeneratorState(bytes: bytes(hex: $0.state_hex)))?.nextDoubleNormal != nil })
    for item in cases {
      let generator = Generator(seed: item.seed)
      replay(item.draws, on: generator)
      #expect(generator.state.bytes == bytes(hex: item.state_hex), "seed \(item.seed), draws \(item.draws.count)")
      #expect(generator.state.tensor.dtype == .uint8 && generator.state.tensor.shape == [5056])
    }
  }

  @Test("restoring a state repeats the numbers drawn after it, including a cached normal")
  func restoreRepeats() throws {
    let generator = Generator(seed: 42)
    _ = Tensor.randn([3], dtype: .float64, generator: generator)  // leaves a cached normal sample
    let saved = generator.state
    #expect(saved.nextDoubleNormal != nil)
    let first = (Tensor.randn([5], dtype: .float64, generator: generator), Tensor.rand([700], generator: generator))
    generator.setState(saved)
    let again = (Tensor.randn([5], dtype: .float64, generator: generator), Tensor.rand([700], generator: generator))
    #expect(first.0.scalars(as: Double.self) == again.0.scalars(as: Double.self))
    #expect(first.1.scalars(as: Float.self) == again.1.scalars(as: Float.self))

    // Through JSON (Codable) and through the uint8 tensor, into a different generator.
    let decoded = try JSONDecoder().decode(GeneratorState.self, from: JSONEncoder().encode(saved))
    let viaTensor = try GeneratorState(tensor: saved.tensor)
    #expect(decoded == saved && viaTensor == saved)
    let other = Generator(seed: 7)
    other.setState(decoded)
    #expect(Tensor.randn([5], dtype: .float64, generator: other).scalars(as: Double.self) == first.0.scalars(as: Double.self))
  }

  @Test("the float normal cache round-trips through PyTorch's byte layout")
  func floatCache() throws {
    var state = Generator(seed: 1).state
    state.nextFloatNormal = -0.75
    state.nextDoubleNormal = 1.5
    let restored = try GeneratorState(bytes: state.bytes)
    #expect(restored == state)
    let generator = Generator()
    generator.setState(restored)
    #expect(generator.state == state)
  }

  @Test("invalid states are rejected with PyTorch's reasons")
  func invalidStates() throws {
    let good = Generator(seed: 3).state
    #expect(throws: GeneratorStateError.invalid(
      "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 5055")) {
      try GeneratorState(bytes: Array(good.bytes.dropLast()))
    }
    var badLeft = good.bytes
    badLeft[8] = 0  // left = 0
    #expect(throws: GeneratorStateError.invalid("Invalid mt19937 state (left 0, next 0)")) {
      try GeneratorState(bytes: badLeft)
    }
    var unseeded = good.bytes
    unseeded[12] = 0
    #expect(throws: GeneratorStateError.self) { try GeneratorState(bytes: unseeded) }
    var pastEnd = good.bytes
    pastEnd[8] = 200  // left 200 with next 600 would read past the 624 words
    pastEnd[16] = UInt8(600 & 0xff)
    pastEnd[17] = UInt8(600 >> 8)
    #expect(throws: GeneratorStateError.self) { try GeneratorState(bytes: pastEnd) }
    #expect(throws: GeneratorStateError.self) { try GeneratorState(tensor: Tensor.zeros([5056])) }
    var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(good)) as! [String: Any]
    json["left"] = 700
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(GeneratorState.self, from: JSONSerialization.data(withJSONObject: json))
    }
  }
}
