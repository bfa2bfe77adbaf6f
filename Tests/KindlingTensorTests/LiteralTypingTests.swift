import Testing

@testable import KindlingTensor

/// `Tensor` accepts number literals (so `t[0] = 7` and `x + 2` read as in PyTorch). Plain Swift
/// arithmetic in code that imports the module must still mean plain Swift numbers.
@Suite("Literals in plain Swift code")
struct LiteralTypingTests {
  @Test("integer and floating-point expressions keep Swift's types")
  func plainArithmeticStaysSwift() {
    let sizes = [1 << 20, 16 << 20]
    let shifted = (1 << 3) >> 1
    let mixed = 3 * 4 + 2 - 8 / 2
    let masked = 0b1100 & 0b1010 | 1 ^ 3
    let ratio = 2.0 / 3.0 * 1.5
    let scaled = 2 / 4.0
    #expect(type(of: sizes) == [Int].self && sizes == [1_048_576, 16_777_216])
    #expect(type(of: shifted) == Int.self && shifted == 4)
    #expect(type(of: mixed) == Int.self && mixed == 10)
    #expect(type(of: masked) == Int.self)
    #expect(type(of: ratio) == Double.self)
    #expect(type(of: scaled) == Double.self && scaled == 0.5)
  }

  @Test("a Double variable in a tensor expression stays float64 where PyTorch keeps it")
  func scalarsWithTensors() {
    let dof = 11.0
    let t = Tensor([1.0, 2.0], dtype: .float64)
    let scaledByDouble = (2 / dof) * t
    #expect(scaledByDouble.dtype == .float64)
    #expect(abs(scaledByDouble.scalars(as: Double.self)[0] - 2 / 11) < 1e-15)
  }
}
