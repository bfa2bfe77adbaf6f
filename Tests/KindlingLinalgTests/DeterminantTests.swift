import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.det and linalg.slogdet")
struct DeterminantTests {
  @Test("det and slogdet match PyTorch's values and gradients", arguments: SolveFixtures.cases("det", "slogdet"))
  func matchesPyTorch(_ c: SolveCase) throws {
    try SolveFixtures.check(c)
    try SolveFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every determinant case")
  func fixtureLoads() { #expect(SolveFixtures.cases("det", "slogdet").count == 4) }

  @Test("a singular matrix has det 0, sign 0 and logabsdet -inf, as in PyTorch")
  func singular() {
    let a = Tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])
    #expect(Linalg.det(a).item() == 0)
    let (sign, logabsdet) = Linalg.slogdet(a)
    #expect(sign.item() == 0 && logabsdet.item() == -.infinity)
  }

  @Test("0×0 matrices have determinant 1; empty batches give empty results")
  func empty() {
    #expect(Linalg.det(Tensor.zeros([2, 0, 0])).scalars(as: Double.self) == [1, 1])
    let (sign, logabsdet) = Linalg.slogdet(Tensor.zeros([2, 0, 0]))
    #expect(sign.scalars(as: Double.self) == [1, 1] && logabsdet.scalars(as: Double.self) == [0, 0])
    #expect(Linalg.det(Tensor.zeros([0, 2, 2])).shape == [0])
  }

  @Test("det's and logabsdet's gradients pass gradcheck and gradgradcheck in float64")
  func gradients() throws {
    let a = wellConditioned([2, 3, 3], seed: 31)
    try gradcheck({ Linalg.det($0[0]) }, [a])
    try gradgradcheck({ Linalg.det($0[0]) }, [a])
    let b = randomLeaf([3, 3], seed: 32)
    try gradcheck({ Linalg.slogdet($0[0]).logabsdet }, [b])
    try gradgradcheck({ Linalg.slogdet($0[0]).logabsdet }, [b])
    #expect(Linalg.det(a).gradFn?.name == "LinalgDetBackward0")
    #expect(Linalg.slogdet(a).logabsdet.gradFn?.name == "LinalgSlogdetBackward0")
  }
}
