import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.matrix_norm and cond")
struct NormTests {
  @Test(
    "matrix_norm and cond match PyTorch's values and gradients", arguments: SVDFixtures.cases("matrix_norm", "cond"))
  func matchesPyTorch(_ c: SVDCase) throws {
    try SVDFixtures.check(c)
    try SVDFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every matrix_norm and cond case")
  func fixtureLoads() {
    #expect(SVDFixtures.cases("matrix_norm").count == 34)
    #expect(SVDFixtures.cases("cond").count == 14)
  }

  @Test("orders read as PyTorch writes them")
  func orders() throws {
    let a = Tensor([[1.0, -2.0], [3.0, 4.0]], dtype: .float64)
    #expect(try Linalg.matrixNorm(a, ord: 1).item() == 6)
    #expect(try Linalg.matrixNorm(a, ord: -1).item() == 4)
    #expect(try Linalg.matrixNorm(a, ord: .inf).item() == 7)
    #expect(try Linalg.matrixNorm(a, ord: .negativeInf).item() == 3)
    #expect(abs(try Linalg.matrixNorm(a).item() - 30.0.squareRoot()) < 1e-12)
    let s = try Linalg.svdvals(a).doubles
    #expect(abs(try Linalg.matrixNorm(a, ord: 2).item() - s[0]) < 1e-12)
    #expect(abs(try Linalg.matrixNorm(a, ord: -2).item() - s[1]) < 1e-12)
    #expect(abs(try Linalg.matrixNorm(a, ord: .nuc).item() - s[0] - s[1]) < 1e-12)
    #expect(abs(try Linalg.cond(a).item() - s[0] / s[1]) < 1e-12)
    #expect(MatrixNormOrder.p(2).description == "2" && MatrixNormOrder.negativeInf.description == "-inf")
    #expect(MatrixNormOrder.p(2.5).description == "2.5" && MatrixNormOrder.nuc.description == "nuc")
    #expect(try Linalg.matrixNorm(Tensor.zeros([2, 3, 4]), ord: 2, dim: (0, 2), keepDim: true).shape == [1, 3, 1])
    #expect(try Linalg.cond(Tensor.stack([a, Tensor.zeros([2, 2], dtype: .float64)]), p: 1).doubles[1] == .infinity)
  }

  @Test("every order's gradient passes gradcheck and gradgradcheck in float64")
  func gradchecks() throws {
    let a = randomLeaf([2, 3, 4], seed: 71)
    let orders: [MatrixNormOrder] = [.fro, .nuc, 2, -2, 1, -1, .inf, .negativeInf]
    for ord in orders {
      try gradcheck({ try! Linalg.matrixNorm($0[0], ord: ord) }, [a])
      try gradgradcheck({ try! Linalg.matrixNorm($0[0], ord: ord, dim: (2, 0), keepDim: true) }, [a])
    }
    let square = wellConditioned([2, 3, 3], seed: 72)
    for p in [nil, 2, -2, .fro, .nuc, 1, -1, .inf, .negativeInf] as [MatrixNormOrder?] {
      try gradcheck({ try! Linalg.cond($0[0], p: p) }, [square])
    }
    try gradgradcheck({ try! Linalg.cond($0[0]) }, [square])
  }
}
