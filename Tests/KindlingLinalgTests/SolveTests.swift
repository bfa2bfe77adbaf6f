import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.solve and linalg.solve_triangular")
struct SolveTests {
  @Test(
    "solve, solve_ex and solve_triangular match PyTorch's values and gradients",
    arguments: SolveFixtures.cases("solve", "solve_triangular"))
  func matchesPyTorch(_ c: SolveCase) throws {
    try SolveFixtures.check(c)
  }

  @Test(
    "non-contiguous inputs give PyTorch's values and gradients",
    arguments: SolveFixtures.cases("solve", "solve_triangular"))
  func nonContiguous(_ c: SolveCase) throws {
    try SolveFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every solve case")
  func fixtureLoads() {
    #expect(SolveFixtures.cases("solve").count == 7)
    #expect(SolveFixtures.cases("solve_triangular").count == 9)
  }

  @Test("the solution satisfies A X = B and X A = B")
  func residual() throws {
    let a = wellConditioned([2, 4, 4], seed: 1).detach()
    let b = Tensor.randn([2, 4, 3], dtype: .float64, generator: Generator(seed: 2))
    let x = try Linalg.solve(a, b)
    #expect((a.matmul(x) - b).abs().max().item() < 1e-12)
    let y = try Linalg.solve(a, b.mT, left: false)
    #expect((y.matmul(a) - b.mT).abs().max().item() < 1e-12)
  }

  @Test("solve_ex reports info 0 per matrix of A's batch and the result")
  func solveEx() {
    let a = wellConditioned([3, 2, 2], seed: 3).detach()
    let (x, info) = Linalg.solveEx(a, Tensor.ones([3, 2], dtype: .float64))
    #expect(x.shape == [3, 2])
    #expect(info.dtype == .int32 && info.shape == [3])
    #expect(info.scalars(as: Int32.self) == [0, 0, 0])
  }

  @Test("empty batches and 0×0 systems give empty results")
  func empty() throws {
    let x = try Linalg.solve(Tensor.zeros([0, 3, 3], dtype: .float64), Tensor.zeros([0, 3, 2], dtype: .float64))
    #expect(x.shape == [0, 3, 2])
    #expect(try Linalg.solve(Tensor.zeros([0, 0]), Tensor.zeros([0, 3])).shape == [0, 3])
    #expect(try Linalg.solve(Tensor.eye(3), Tensor.zeros([3, 0])).shape == [3, 0])
    let t = Linalg.solveTriangular(Tensor.zeros([2, 0, 0]), Tensor.zeros([2, 0, 1]), upper: true)
    #expect(t.shape == [2, 0, 1])
  }

  @Test("solve_triangular with a zero on the diagonal gives NaN like PyTorch's trsm, not an error")
  func triangularZeroDiagonal() {
    let x = Linalg.solveTriangular(Tensor([[0.0, 1.0], [0.0, 1.0]]), Tensor([[1.0], [1.0]]), upper: true)
    let values = x.scalars(as: Double.self)
    #expect(values[0].isNaN && values[1] == 1)
  }

  @Test("solve's gradients pass gradcheck and gradgradcheck in float64")
  func solveGradcheck() throws {
    let a = wellConditioned([2, 3, 3], seed: 4)
    let b = randomLeaf([2, 3, 2], seed: 5)
    try gradcheck({ try! Linalg.solve($0[0], $0[1]) }, [a, b])
    try gradgradcheck({ try! Linalg.solve($0[0], $0[1]) }, [a, b])
    let v = randomLeaf([3], seed: 6)
    let single = wellConditioned([3, 3], seed: 7)
    try gradcheck({ try! Linalg.solve($0[0], $0[1]) }, [single, v])
    let right = randomLeaf([2, 3], seed: 8)
    try gradcheck({ try! Linalg.solve($0[0], $0[1], left: false) }, [single, right])
  }

  @Test("solve_triangular's gradients pass gradcheck in float64")
  func triangularGradcheck() throws {
    for (upper, left, unit) in [(true, true, false), (false, false, true), (false, true, false), (true, false, true)] {
      let a = wellConditioned([3, 3], seed: 9)
      let b = left ? randomLeaf([2, 3, 2], seed: 10) : randomLeaf([2, 2, 3], seed: 10)
      try gradcheck({ Linalg.solveTriangular($0[0], $0[1], upper: upper, left: left, unitriangular: unit) }, [a, b])
    }
    let a = wellConditioned([3, 3], seed: 11)
    let b = randomLeaf([3, 2], seed: 12)
    try gradgradcheck({ Linalg.solveTriangular($0[0], $0[1], upper: false) }, [a, b])
  }

  @Test("the recorded nodes carry PyTorch's names")
  func nodeNames() throws {
    let a = wellConditioned([3, 3], seed: 13)
    #expect(try Linalg.solve(a, Tensor.ones([3], dtype: .float64)).gradFn?.name == "LinalgSolveExBackward0")
    #expect(Linalg.solveEx(a, Tensor.ones([3, 1], dtype: .float64)).result.gradFn?.name == "LinalgSolveExBackward0")
    let t = Linalg.solveTriangular(a, Tensor.ones([3, 1], dtype: .float64), upper: true)
    #expect(t.gradFn?.name == "LinalgSolveTriangularBackward0")
  }
}
