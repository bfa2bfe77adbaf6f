import Foundation
import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.matrix_exp")
struct MatrixExpTests {
  @Test("matrix_exp matches PyTorch's values and gradients", arguments: ProductFixtures.cases("matrix_exp"))
  func matchesPyTorch(_ c: ProductCase) throws {
    try ProductFixtures.check(c)
  }

  @Test("non-contiguous inputs give PyTorch's values and gradients", arguments: ProductFixtures.cases("matrix_exp"))
  func nonContiguous(_ c: ProductCase) throws {
    try ProductFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every matrix_exp case")
  func fixtureLoads() {
    #expect(ProductFixtures.cases("matrix_exp").count == 9)
  }

  @Test("known exponentials: nilpotent, diagonal, rotation, zero and empty")
  func knownValues() {
    let nilpotent = Linalg.matrixExp(Tensor([[0.0, 1.0], [0.0, 0.0]], dtype: .float64))
    #expect(nilpotent.scalars(as: Double.self) == [1, 1, 0, 1])
    let diagonal = Linalg.matrixExp(Tensor([[1.0, 0.0], [0.0, 2.0]], dtype: .float64)).scalars(as: Double.self)
    #expect(abs(diagonal[0] - M_E) < 1e-14 && abs(diagonal[3] - M_E * M_E) < 1e-13)
    let t = 10.0
    let rotation = Linalg.matrixExp(Tensor([[0.0, -t], [t, 0.0]], dtype: .float64)).scalars(as: Double.self)
    #expect(abs(rotation[0] - cos(t)) < 1e-12 && abs(rotation[2] - sin(t)) < 1e-12)
    #expect(Linalg.matrixExp(Tensor.zeros([2, 3, 3])).equal(Tensor.eye(3).expand([2, 3, 3])))
    #expect(Linalg.matrixExp(Tensor.zeros([0, 2, 2])).shape == [0, 2, 2])
    #expect(Linalg.matrixExp(Tensor.zeros([0, 0])).shape == [0, 0])
  }

  @Test("the gradient passes gradcheck and gradgradcheck in float64, batched")
  func gradients() throws {
    let a = randomLeaf([2, 3, 3], seed: 31)
    try gradcheck({ Linalg.matrixExp($0[0]) }, [a])
    try gradgradcheck({ Linalg.matrixExp($0[0]) }, [a])
    let large = Tensor.randn([3, 3], dtype: .float64, generator: Generator(seed: 32)) * 4
    large.requiresGrad = true
    try gradcheck({ Linalg.matrixExp($0[0]) }, [large], rtol: 1e-3)
    #expect(Linalg.matrixExp(a).gradFn?.name == "LinalgMatrixExpBackward0")
  }
}
