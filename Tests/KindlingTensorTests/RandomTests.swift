import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// `Fixtures/random.json`, written by `Tools/fixtures/tensor_random.py`.
private struct RandomFixture: Decodable {
  struct Case: Decodable {
    let name: String
    let seed: UInt64
    let steps: [Step]
  }

  struct Step: Decodable {
    let op: String
    let dtype: String?
    let size: Int?
    let seed: UInt64?
    let low: Int64?
    let high: Int64?
    let from: Double?
    let to: Double?
    let mean: Double?
    let std: Double?
    let p: Double?
    let probabilities: [Double]?
    let values: [Double]?
    let integers: [Int64]?
  }

  let defaultSeed: UInt64
  let defaultRand: [Double]
  let cases: [Case]
}

/// Fills a fresh array of `count` elements with `fill`.
private func filled<T: Numeric>(_ count: Int, _ fill: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
  var out = [T](repeating: 0, count: count)
  out.withUnsafeMutableBufferPointer { fill($0) }
  return out
}

/// Replays a step that fills floating-point elements of type `T`; returns them widened.
private func replayFloats<T: RandomFloatingPoint>(_ step: RandomFixture.Step, on generator: Generator, as _: T.Type)
  -> [Double]
{
  let out: [T] = filled(step.size ?? 0) { out in
    switch step.op {
    case "rand": generator.fillUniform(out)
    case "randn": generator.fillNormal(out)
    case "uniform": generator.fillUniform(out, from: step.from!, to: step.to!)
    case "normal": generator.fillNormal(out, mean: step.mean!, std: step.std!)
    case "bernoulli": generator.fillBernoulli(out, p: step.p!)
    case "randint": generator.fillRandint(out, low: step.low!, high: step.high!)
    case "bernoulliTensor":
      let probabilities = step.probabilities!.map { T($0) }
      probabilities.withUnsafeBufferPointer { generator.fillBernoulli(out, probabilities: $0) }
    default: Issue.record("unknown op \(step.op)")
    }
  }
  return out.map { Double($0) }
}

/// Replays one fixture step on `generator`: the floats it produced widened to `Double`, or
/// its integers.
private func replay(_ step: RandomFixture.Step, on generator: Generator) -> (values: [Double], integers: [Int64]) {
  switch (step.op, step.dtype) {
  case ("seed", _):
    generator.manualSeed(step.seed!)
    return ([], [])
  case ("randperm", _):
    return ([], generator.randperm(step.size!))
  case ("randint", "int64"):
    return ([], filled(step.size!) { generator.fillRandint($0, low: step.low!, high: step.high!) })
  case ("randint", "int32"):
    let out: [Int32] = filled(step.size!) { generator.fillRandint($0, low: step.low!, high: step.high!) }
    return ([], out.map { Int64($0) })
  case (_, "float64"):
    return (replayFloats(step, on: generator, as: Double.self), [])
  default:
    return (replayFloats(step, on: generator, as: Float.self), [])
  }
}

@Suite("CPU random generator matches PyTorch", .isolatedRandomness)
struct RandomTests {
  private let fixture: RandomFixture

  init() throws {
    fixture = try loadFixture("random.json", as: RandomFixture.self)
  }

  @Test("every fixture case reproduces PyTorch's values bit for bit")
  func fixtureCases() {
    for testCase in fixture.cases {
      let generator = Generator(seed: testCase.seed)
      for (index, step) in testCase.steps.enumerated() {
        let (values, integers) = replay(step, on: generator)
        let label = "\(testCase.name), seed \(testCase.seed), step \(index) (\(step.op) \(step.dtype ?? ""))"
        #expect(values.map(\.bitPattern) == (step.values ?? []).map(\.bitPattern), "\(label)")
        #expect(integers == step.integers ?? [], "\(label)")
      }
    }
  }

  @Test("the global generator follows manualSeed like torch.manual_seed")
  func globalGenerator() {
    let first = fixture.cases.first { $0.name == "rand(5) float32" && $0.seed == 0 }!
    manualSeed(0)
    let values: [Float] = filled(5) { Generator.default.fillUniform($0) }
    #expect(values.map { Double($0) } == first.steps[0].values!)
    #expect(Generator.default.initialSeed == 0)
  }

  @Test("manualSeed(0) then torch.rand(3, 4) and torch.randperm(10) give PyTorch's printed values")
  func knownValues() {
    let generator = Generator(seed: 0)
    let rand: [Float] = filled(12) { generator.fillUniform($0) }
    let printed: [Float] = [
      0.4963, 0.7682, 0.0885, 0.1320, 0.3074, 0.6341, 0.4901, 0.8964, 0.4556, 0.6323, 0.3489, 0.4017,
    ]
    #expect(rand.map { ($0 * 10_000).rounded() / 10_000 } == printed)
    generator.manualSeed(0)
    #expect(generator.randperm(10) == [4, 1, 7, 5, 3, 9, 0, 8, 6, 2])
  }

  @Test("reseeding replays the same stream and clears the cached normal sample")
  func reproducibility() {
    let generator = Generator(seed: 123)
    let first: [Double] = filled(3) { generator.fillNormal($0) }  // leaves a cached sample
    generator.manualSeed(123)
    let second: [Double] = filled(3) { generator.fillNormal($0) }
    #expect(first == second)
    generator.manualSeed(123)
    let other = Generator(seed: 123)
    #expect((0..<700).map { _ in generator.random32() } == (0..<700).map { _ in other.random32() })
  }

  @Test("a new generator uses PyTorch's default seed 67280421310721")
  func defaultSeed() {
    #expect(Generator.defaultSeed == fixture.defaultSeed)
    let generator = Generator()
    #expect(generator.initialSeed == 67_280_421_310_721)
    let values: [Float] = filled(5) { generator.fillUniform($0) }
    #expect(values.map { Double($0) } == fixture.defaultRand)
  }

  @Test("only the low 32 bits of the seed feed the engine, but initialSeed keeps all 64")
  func wideSeeds() {
    let wide = Generator(seed: 1 << 40 | 7), narrow = Generator(seed: 7)
    #expect(wide.initialSeed == 1_099_511_627_783)
    #expect(wide.random64() == narrow.random64())
  }

  @Test("random64 is two 32-bit draws, the first one the high half")
  func random64Order() {
    var engine = MT19937(seed: 0)
    let high = UInt64(engine.next()), low = UInt64(engine.next())
    #expect(high == 2_357_136_044)
    #expect(Generator(seed: 0).random64() == high << 32 | low)
  }
}
