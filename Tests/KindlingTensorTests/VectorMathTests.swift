import CKindlingVector
import Foundation
import Testing

@testable import KindlingTensor

@Suite("Vectorized math")
struct VectorMathTests {
  /// The distance in units in the last place between two floats of the same sign.
  private func ulps(_ a: Float, _ b: Float) -> Int {
    if a == b { return 0 }
    return abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
  }

  @Test("exp is within 2 ulp of the correctly rounded result across the float range")
  func expAccuracy() {
    var worst = 0
    var x: Float = -103.9
    while x < 88.7 {
      let exact = Float(Foundation.exp(Double(x)))
      if exact.isNormal { worst = max(worst, ulps(VectorMath.exp(x), exact)) }
      x += 0.0137
    }
    #expect(worst <= 2)
  }

  @Test("exp keeps IEEE behaviour at the edges: inf, 0, subnormals, NaN")
  func expEdges() {
    #expect(VectorMath.exp(89) == .infinity)
    #expect(VectorMath.exp(.infinity) == .infinity)
    #expect(VectorMath.exp(-.infinity) == 0)
    #expect(VectorMath.exp(-104) == 0)
    #expect(VectorMath.exp(.nan).isNaN)
    #expect(VectorMath.exp(0) == 1)
    let sub = VectorMath.exp(-100)
    // Subnormal results: within one step of the subnormal grid of the correctly rounded value.
    #expect(sub.isSubnormal && abs(sub - Float(Foundation.exp(-100.0))) <= Float.leastNonzeroMagnitude)
    let top = Float(88.7)
    #expect(ulps(VectorMath.exp(top), Float(Foundation.exp(Double(top)))) <= 2)
  }

  @Test("the C vector loops give the same bits in place as into a new tensor (exp, relu, add, sub, mul, div)")
  func inPlaceMatchesOutOfPlace() {
    // 100,003 elements: several threads' chunks, and a tail shorter than a vector.
    let a = Tensor.randn([100_003], generator: Generator(seed: 5))
    let b = Tensor.randn([100_003], generator: Generator(seed: 6)) + 3
    let cases: [(String, () -> Tensor, (Tensor) -> Tensor)] = [
      ("exp", { a.exp() }, { $0.exp_() }),
      ("relu", { a.relu() }, { $0.relu_() }),
      ("add", { a + b }, { $0.add_(b) }),
      ("sub", { a - b }, { $0.sub_(b) }),
      ("mul", { a * b }, { $0.mul_(b) }),
      ("div", { a / b }, { $0.div_(b) }),
    ]
    for (name, outOfPlace, inPlace) in cases {
      let expected = outOfPlace().scalars(as: Float.self).map(\.bitPattern)
      let c = a.clone()
      _ = inPlace(c)
      #expect(c.scalars(as: Float.self).map(\.bitPattern) == expected, "\(name)")
    }
  }

  @Test("exp's AVX-512 loop gives the portable loop's bits: every 4099th bit pattern, the edges, every tail length")
  func expLoopsAgree() {
    guard kindling_vector_isa_avx512() != 0 else { return }  // one loop only on this CPU
    var bits = Array(stride(from: UInt32(0), through: UInt32.max - 4099, by: 4099))
    let edges: [Float] = [
      88.72283935546875, 88.72284, 89, 89.5, -103.97208, -103.972, -104, -104.5, -87.33655, -87.3366,
      .infinity, -.infinity, .nan, -.nan, .signalingNaN, .leastNonzeroMagnitude, -0.0, 0, 1e-30, -1e-30,
    ]
    bits += edges.map(\.bitPattern) + [0x7FA0_0001, 0xFF80_0001]  // signalling NaNs with payloads
    let x = bits.map { Float(bitPattern: $0) }
    for count in [x.count] + Array(1...33) {
      var wide = [Float](repeating: 0, count: count)
      var portable = [Float](repeating: 0, count: count)
      kindling_exp_f32_avx512(x, &wide, count)
      kindling_exp_f32_portable(x, &portable, count)
      let first = (0..<count).first { wide[$0].bitPattern != portable[$0].bitPattern }
      #expect(first == nil, "\(count) inputs: exp(\(first.map { x[$0] } ?? 0)) differs")
    }
  }
}
