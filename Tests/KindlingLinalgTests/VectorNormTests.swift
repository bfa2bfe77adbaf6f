import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.vector_norm")
struct VectorNormTests {
  @Test("vector_norm matches PyTorch's values and gradients", arguments: ProductFixtures.cases("vector_norm"))
  func matchesPyTorch(_ c: ProductCase) throws {
    try ProductFixtures.check(c)
  }

  @Test("non-contiguous inputs give PyTorch's values and gradients", arguments: ProductFixtures.cases("vector_norm"))
  func nonContiguous(_ c: ProductCase) throws {
    try ProductFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every vector_norm case")
  func fixtureLoads() {
    #expect(ProductFixtures.cases("vector_norm").count == 32)
  }

  @Test("the ords reduce as documented")
  func values() {
    let x = Tensor([[3.0, -4.0], [0.0, 1.0]], dtype: .float64)
    #expect(abs(Linalg.vectorNorm(x).item() - 26.0.squareRoot()) < 1e-12)
    #expect(Linalg.vectorNorm(x, ord: 1, dim: [1]).scalars(as: Double.self) == [7, 1])
    #expect(Linalg.vectorNorm(x, ord: .infinity, dim: [0]).scalars(as: Double.self) == [3, 4])
    #expect(Linalg.vectorNorm(x, ord: -.infinity).item() == 0)
    #expect(Linalg.vectorNorm(x, ord: 0).item() == 3)
    #expect(Linalg.vectorNorm(x, dim: [-1], keepDim: true).shape == [2, 1])
    #expect(Linalg.vectorNorm(x, dim: []).shape == [])
    #expect(Linalg.vectorNorm(Tensor(-2.0, dtype: .float64)).item() == 2)
    #expect(Linalg.vectorNorm(Tensor.zeros([0])).item() == 0)
    #expect(Linalg.vectorNorm(Tensor.ones([3]), dtype: .float64).dtype == .float64)
    #expect(Linalg.vectorNorm(Tensor.zeros([0, 3]), ord: .infinity, dim: [1]).shape == [0])
  }

  @Test("the ord-2 gradient at zero is 0, as PyTorch's norm_backward chooses")
  func zeroGradient() {
    let x = Tensor.zeros([3], dtype: .float64)
    x.requiresGrad = true
    let norm = Linalg.vectorNorm(x)
    #expect(norm.gradFn?.name == "LinalgVectorNormBackward0")
    norm.backward()
    #expect(x.grad?.scalars(as: Double.self) == [0, 0, 0])
  }

  @Test("gradients pass gradcheck and gradgradcheck in float64", arguments: [2.0, 1.0, 3.0, 0.5, -1.5, 1.5, .infinity])
  func gradcheckOrds(_ ord: Double) throws {
    let x = randomLeaf([2, 3], seed: 21)
    try gradcheck({ Linalg.vectorNorm($0[0], ord: ord, dim: [1]) }, [x])
    try gradcheck({ Linalg.vectorNorm($0[0], ord: ord) }, [x])
    if ord.isFinite {
      try gradgradcheck({ Linalg.vectorNorm($0[0], ord: ord, dim: [0], keepDim: true) }, [x])
    }
  }
}
