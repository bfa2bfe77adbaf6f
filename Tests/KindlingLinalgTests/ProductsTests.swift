import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.matrix_power, linalg.cross and linalg.multi_dot")
struct ProductsTests {
  @Test(
    "matrix_power, cross and multi_dot match PyTorch's values and gradients",
    arguments: ProductFixtures.cases("matrix_power", "cross", "multi_dot"))
  func matchesPyTorch(_ c: ProductCase) throws {
    try ProductFixtures.check(c)
  }

  @Test(
    "non-contiguous inputs give PyTorch's values and gradients",
    arguments: ProductFixtures.cases("matrix_power", "cross", "multi_dot"))
  func nonContiguous(_ c: ProductCase) throws {
    try ProductFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every product case")
  func fixtureLoads() {
    #expect(ProductFixtures.cases("matrix_power").count == 12)
    #expect(ProductFixtures.cases("cross").count == 4)
    #expect(ProductFixtures.cases("multi_dot").count == 7)
  }

  @Test("matrix_power: identity at 0 (zero gradient), inverse powers, integer matrices")
  func matrixPower() throws {
    let a = wellConditioned([2, 3, 3], seed: 41)
    let identity = try Linalg.matrixPower(a, 0)
    #expect(identity.equal(Tensor.eye(3, dtype: .float64).expand([2, 3, 3])))
    identity.sum().backward()
    #expect(a.grad?.abs().max().item() == 0)
    let back = try Linalg.matrixPower(a, -2).matmul(try Linalg.matrixPower(a, 2))
    #expect((back - Tensor.eye(3, dtype: .float64)).abs().max().item() < 1e-12)
    let counts = try Linalg.matrixPower(Tensor([[1, 1], [0, 1]]), 5)
    #expect(counts.scalars(as: Int64.self) == [1, 5, 0, 1])
    #expect(throws: LinalgError.singular(function: "linalg.inv", element: 1, batch: nil)) {
      try Linalg.matrixPower(Tensor.zeros([2, 2], dtype: .float64), -1)
    }
  }

  @Test("matrix_power, cross and multi_dot pass gradcheck and gradgradcheck in float64")
  func gradients() throws {
    let a = randomLeaf([2, 3, 3], seed: 42)
    try gradcheck({ try! Linalg.matrixPower($0[0], 6) }, [a])
    let w = wellConditioned([3, 3], seed: 43)
    try gradcheck({ try! Linalg.matrixPower($0[0], -3) }, [w])
    let x = randomLeaf([2, 1, 3], seed: 44)
    let y = randomLeaf([1, 4, 3], seed: 45)
    try gradcheck({ Linalg.cross($0[0], $0[1]) }, [x, y])
    try gradgradcheck({ Linalg.cross($0[0], $0[1]) }, [x, y])
    let chain = [
      randomLeaf([4], seed: 46), randomLeaf([4, 2], seed: 47), randomLeaf([2, 5], seed: 48),
      randomLeaf([5, 3], seed: 49),
    ]
    try gradcheck({ Linalg.multiDot($0) }, chain)
    try gradgradcheck({ Linalg.multiDot($0) }, chain)
  }

  @Test("cross follows the right-hand rule and names PyTorch's node")
  func crossValues() {
    let x = Tensor([1.0, 0.0, 0.0], dtype: .float64)
    let y = Tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype: .float64)
    #expect(Linalg.cross(x.unsqueeze(0), y).scalars(as: Double.self) == [0, 0, 1, 0, -1, 0])
    let leaf = x.clone()
    leaf.requiresGrad = true
    #expect(Linalg.cross(leaf, x).gradFn?.name == "LinalgCrossBackward0")
  }

  @Test("multi_dot equals the chained matmul for every order it picks")
  func multiDotOrder() {
    let g = Generator(seed: 50)
    let shapes = [[10, 100], [100, 5], [5, 50], [50, 1], [1, 30]]
    let matrices = shapes.map { Tensor.randn($0, dtype: .float64, generator: g) }
    for count in 2...5 {
      let chain = Array(matrices.prefix(count))
      let expected = chain.dropFirst().reduce(chain[0]) { $0.matmul($1) }
      #expect((Linalg.multiDot(chain) - expected).abs().max().item() < 1e-9)
    }
    let v = Tensor.randn([3], dtype: .float64, generator: g)
    #expect(Linalg.multiDot([v, Tensor.eye(3, dtype: .float64), v]).shape == [])
  }
}
