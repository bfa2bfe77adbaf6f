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

  /// Every 4099th bit pattern and the edges of exp's range, as inputs to compare its loops on.
  private func expProbeInputs() -> [Float] {
    var bits = Array(stride(from: UInt32(0), through: UInt32.max - 4099, by: 4099))
    let edges: [Float] = [
      88.72283935546875, 88.72284, 89, 89.5, -103.97208, -103.972, -104, -104.5, -87.33655, -87.3366,
      86, -86, 86.000_01, -86.000_01, 86.4, -86.4, 87, -87,
      .infinity, -.infinity, .nan, -.nan, .signalingNaN, .leastNonzeroMagnitude, -0.0, 0, 1e-30, -1e-30,
    ]
    bits += edges.map(\.bitPattern) + [0x7FA0_0001, 0xFF80_0001]  // signalling NaNs with payloads
    return bits.map { Float(bitPattern: $0) }
  }

  /// Inputs in [-86, 86] with one edge value or NaN dropped in every `period`th place: blocks of
  /// the AVX2 loop's fast path next to single blocks and runs of blocks that leave it.
  private func expMixedInputs(period: Int) -> [Float] {
    let outside: [Float] = [.nan, .infinity, -.infinity, 88.8, -103.99, -87.5, 86.5, -100]
    return (0..<4_111).map { i in
      i % period == period - 1 ? outside[(i / period) % outside.count] : Float(i % 341) * 0.5 - 85
    }
  }

  /// Runs an exp loop on `x`, into a new array or in place.
  private func runExpLoop(
    _ loop: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ x: [Float], count: Int, inPlace: Bool
  ) -> [UInt32] {
    var y = inPlace ? Array(x.prefix(count)) : [Float](repeating: 0, count: count)
    if inPlace {
      y.withUnsafeMutableBufferPointer { loop($0.baseAddress!, $0.baseAddress!, count) }
    } else {
      x.withUnsafeBufferPointer { input in
        y.withUnsafeMutableBufferPointer { loop(input.baseAddress!, $0.baseAddress!, count) }
      }
    }
    return y.map(\.bitPattern)
  }

  @Test("exp's C loop is within 1 ulp of exp in double: every 4099th bit pattern, the edges, the worst inputs")
  func expLoopWithinOneUlp() {
    // The worst input of the current loop for normal and for subnormal results (0.978 and 0.934
    // ulp; Tools/vector/exp-sweep.c checks all 2^32), and the Cephes-polynomial loop's (1.010).
    let worst: [Float] = [0x1.9154c2p+5, -0x1.5dc984p+6, -0x1.782f42p+2]
    let x = expProbeInputs() + worst
    var y = [Float](repeating: 0, count: x.count)
    kindling_exp_f32(x, &y, x.count)
    for (input, got) in zip(x, y) {
      let exact = Foundation.exp(Double(input))
      let rounded = Float(exact)
      if input.isNaN {
        #expect(got.isNaN)
      } else if rounded.isInfinite {
        #expect(got == rounded, "exp(\(input))")
      } else {
        let error = abs(Double(got) - exact) / Double(rounded.ulp)
        #expect(error <= 1, "exp(\(input)) = \(got), \(error) ulp from \(exact)")
      }
    }
  }

  @Test(
    "exp's intrinsics loops give the portable loop's bits: every 4099th bit pattern, the edges, every tail length, in place",
    arguments: ["avx512", "avx2"])
  func expLoopsAgree(isa: String) {
    // Each loop only where the CPU has its instructions.
    let loop: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    switch isa {
    case "avx512":
      guard kindling_vector_isa_avx512() != 0 else { return }
      loop = { kindling_exp_f32_avx512($0, $1, $2) }
    default:
      guard kindling_vector_isa_avx2() != 0 else { return }
      loop = { kindling_exp_f32_avx2($0, $1, $2) }
    }
    let portable: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void = {
      kindling_exp_f32_portable($0, $1, $2)
    }
    let probes = expProbeInputs()
    var inputs: [(String, [Float], [Int])] = [("bit patterns", probes, [probes.count] + Array(1...70))]
    for period in [1, 7, 32, 33, 97, 200] {
      let mixed = expMixedInputs(period: period)
      inputs.append(("every \(period)th outside [-86, 86]", mixed, [mixed.count, 64, 95, 96]))
    }
    for (label, x, counts) in inputs {
      for count in counts {
        let expected = runExpLoop(portable, x, count: count, inPlace: false)
        for inPlace in [false, true] {
          let got = runExpLoop(loop, x, count: count, inPlace: inPlace)
          let first = (0..<count).first { got[$0] != expected[$0] }
          #expect(
            first == nil, "\(label), \(count) inputs, in place \(inPlace): exp(\(first.map { x[$0] } ?? 0)) differs")
        }
      }
    }
  }
}
