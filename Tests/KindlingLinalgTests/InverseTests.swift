import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.inv")
struct InverseTests {
  @Test("inv matches PyTorch's values and gradients", arguments: SolveFixtures.cases("inv"))
  func matchesPyTorch(_ c: SolveCase) throws {
    try SolveFixtures.check(c)
    try SolveFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every inv case")
  func fixtureLoads() { #expect(SolveFixtures.cases("inv").count == 3) }

  @Test("A times its inverse is the identity, in float32 and float64")
  func identity() throws {
    for dtype in [DType.float32, .float64] {
      let a = wellConditioned([2, 5, 5], seed: 21).detach().to(dtype)
      let product = a.matmul(try Linalg.inv(a))
      let error = (product - Tensor.eye(5, dtype: dtype)).abs().max().item()
      #expect(error < (dtype == .float32 ? 1e-5 : 1e-13))
    }
  }

  @Test("inv_ex returns info 0 and the inverse; empty batches and 0×0 work")
  func invEx() {
    let (inverse, info) = Linalg.invEx(wellConditioned([2, 3, 3], seed: 22).detach())
    #expect(inverse.shape == [2, 3, 3] && info.scalars(as: Int32.self) == [0, 0])
    let empty = Linalg.invEx(Tensor.zeros([0, 3, 3]))
    #expect(empty.inverse.shape == [0, 3, 3] && empty.info.shape == [0])
    let zero = Linalg.invEx(Tensor.zeros([2, 0, 0]))
    #expect(zero.inverse.shape == [2, 0, 0] && zero.info.scalars(as: Int32.self) == [0, 0])
  }

  @Test("inv's gradient passes gradcheck and gradgradcheck in float64 and records LinalgInvExBackward0")
  func gradients() throws {
    let a = wellConditioned([2, 3, 3], seed: 23)
    try gradcheck({ try! Linalg.inv($0[0]) }, [a])
    try gradgradcheck({ try! Linalg.inv($0[0]) }, [a])
    #expect(try Linalg.inv(a).gradFn?.name == "LinalgInvExBackward0")
  }
}
