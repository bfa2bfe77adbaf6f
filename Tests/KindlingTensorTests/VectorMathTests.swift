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
}
