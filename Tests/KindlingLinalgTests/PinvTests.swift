import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.pinv and matrix_rank")
struct PinvTests {
  @Test(
    "pinv and matrix_rank match PyTorch's values and gradients", arguments: SVDFixtures.cases("pinv", "matrix_rank"))
  func matchesPyTorch(_ c: SVDCase) throws {
    try SVDFixtures.check(c)
    try SVDFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every pinv and matrix_rank case")
  func fixtureLoads() {
    #expect(SVDFixtures.cases("pinv").count == 10)
    #expect(SVDFixtures.cases("matrix_rank").count == 6)
  }

  static func maxAbs(_ x: Tensor) -> Double { x.abs().max().item() }

  @Test("pinv satisfies the Penrose conditions, for rank-deficient, tall, wide and batched inputs")
  func penrose() throws {
    let low = Tensor.randn([2, 5, 2], dtype: .float64, generator: Generator(seed: 61))
      .matmul(Tensor.randn([2, 2, 4], dtype: .float64, generator: Generator(seed: 62)))
    for a in [low, Tensor.randn([3, 6], dtype: .float64, generator: Generator(seed: 63)), low.mT] {
      let p = try Linalg.pinv(a)
      #expect(p.shape == Array(a.shape.dropLast(2)) + [a.shape[a.rank - 1], a.shape[a.rank - 2]])
      #expect(Self.maxAbs(a.matmul(p).matmul(a) - a) < 1e-10)
      #expect(Self.maxAbs(p.matmul(a).matmul(p) - p) < 1e-10)
      #expect(Self.maxAbs(a.matmul(p) - a.matmul(p).mT) < 1e-10)
      #expect(Self.maxAbs(p.matmul(a) - p.matmul(a).mT) < 1e-10)
    }
    #expect(try Linalg.pinv(Tensor.zeros([0, 3])).shape == [3, 0])
    #expect(try Linalg.matrixRank(low).scalars(as: Int64.self) == [2, 2])
    #expect(try Linalg.matrixRank(low).dtype == .int64)
  }

  @Test("hermitian pinv and matrix_rank read only the lower triangle")
  func hermitianLowerTriangle() throws {
    let m = Tensor.randn([4, 4], dtype: .float64, generator: Generator(seed: 64))
    let sym = m + m.mT
    let garbage = sym + Tensor.ones([4, 4], dtype: .float64).triu(diagonal: 1) * 7
    let expected = try Linalg.pinv(sym)
    #expect(Self.maxAbs(try Linalg.pinv(garbage, hermitian: true) - expected) < 1e-10)
    #expect(try Linalg.matrixRank(garbage, hermitian: true).item() == 4)
  }

  @Test("pinv's gradient passes gradcheck and gradgradcheck in float64, hermitian too")
  func gradcheckPinv() throws {
    for shape in [[3, 3], [4, 2], [2, 4], [2, 3, 2]] {
      let a = randomLeaf(shape, seed: 65)
      try gradcheck({ try! Linalg.pinv($0[0]) }, [a])
      try gradgradcheck({ try! Linalg.pinv($0[0]) }, [a])
    }
    let m = randomLeaf([3, 3], seed: 66)
    try gradcheck({ try! Linalg.pinv($0[0] + $0[0].mT, hermitian: true) }, [m])
    #expect(try Linalg.pinv(m).gradFn?.name == "LinalgPinvBackward0")
  }
}
