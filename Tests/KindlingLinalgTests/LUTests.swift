import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.lu_factor, linalg.lu_solve and linalg.lu")
struct LUTests {
  @Test(
    "lu_factor, lu_solve and lu match PyTorch's values and gradients",
    arguments: SolveFixtures.cases("lu_factor", "lu_solve", "lu"))
  func matchesPyTorch(_ c: SolveCase) throws {
    try SolveFixtures.check(c)
    try SolveFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every LU case")
  func fixtureLoads() { #expect(SolveFixtures.cases("lu_factor", "lu_solve", "lu").count == 11) }

  @Test("P L U rebuilds A for square, wide and tall matrices")
  func reconstruction() {
    for shape in [[2, 4, 4], [3, 5], [5, 3]] {
      let a = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: 51))
      let (p, l, u) = Linalg.lu(a)
      #expect((p.matmul(l).matmul(u) - a).abs().max().item() < 1e-12)
    }
  }

  @Test("lu_factor_ex reports a zero pivot in info instead of throwing; empty inputs work")
  func luFactorEx() {
    let (lu, pivots, info) = Linalg.luFactorEx(Tensor.zeros([3, 3], dtype: .float64))
    #expect(info.item() == 1 && lu.shape == [3, 3] && pivots.scalars(as: Int32.self) == [1, 2, 3])
    let empty = Linalg.luFactorEx(Tensor.zeros([0, 3, 3]))
    #expect(empty.LU.shape == [0, 3, 3] && empty.pivots.shape == [0, 3] && empty.info.shape == [0])
    let zero = Linalg.luFactorEx(Tensor.zeros([2, 0, 0]))
    #expect(zero.pivots.shape == [2, 0] && zero.info.scalars(as: Int32.self) == [0, 0])
  }

  @Test("lu_solve broadcasts batches and solves A X = B")
  func luSolveBroadcast() throws {
    let a = wellConditioned([3, 3], seed: 52).detach()
    let (lu, pivots) = try Linalg.luFactor(a)
    let b = Tensor.randn([4, 3, 2], dtype: .float64, generator: Generator(seed: 53))
    let x = Linalg.luSolve(lu, pivots, b)
    #expect(x.shape == [4, 3, 2])
    #expect((a.matmul(x) - b).abs().max().item() < 1e-12)
  }

  @Test("gradients of lu_factor, lu and lu_solve pass gradcheck in float64")
  func gradients() throws {
    for shape in [[3, 3], [2, 4], [4, 2]] {
      let a = randomLeaf(shape, seed: 54)
      try gradcheck({ Linalg.luFactorEx($0[0]).LU }, [a])
      try gradcheck(
        { x in
          let r = Linalg.lu(x[0]); return Tensor.cat([r.L.reshape([-1]), r.U.reshape([-1])])
        }, [a])
    }
    let (factors, pivots) = try Linalg.luFactor(wellConditioned([3, 3], seed: 55).detach())
    let lu = factors.contiguous()  // gradcheck perturbs its inputs through a flat view
    lu.requiresGrad = true
    for (left, adjoint) in [(true, false), (true, true), (false, false), (false, true)] {
      let b = left ? randomLeaf([3, 2], seed: 56) : randomLeaf([2, 3], seed: 56)
      try gradcheck({ Linalg.luSolve($0[0], pivots, $0[1], left: left, adjoint: adjoint) }, [lu, b])
    }
    try gradgradcheck({ Linalg.luFactorEx($0[0]).LU }, [wellConditioned([3, 3], seed: 57)])
  }

  @Test("the recorded nodes carry PyTorch's names")
  func nodeNames() throws {
    let a = wellConditioned([3, 3], seed: 58)
    let (lu, pivots) = try Linalg.luFactor(a)
    #expect(lu.gradFn?.name == "LinalgLuFactorExBackward0")
    #expect(Linalg.luSolve(lu, pivots, Tensor.ones([3, 1], dtype: .float64)).gradFn?.name == "LinalgLuSolveBackward0")
  }
}
