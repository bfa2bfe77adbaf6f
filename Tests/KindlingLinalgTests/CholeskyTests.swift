import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.cholesky and cholesky_solve")
struct CholeskyTests {
  @Test(
    "cholesky and cholesky_solve match PyTorch's values and gradients",
    arguments: SolveFixtures.cases("cholesky", "cholesky_solve"))
  func matchesPyTorch(_ c: SolveCase) throws {
    try SolveFixtures.check(c)
    try SolveFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every Cholesky case")
  func fixtureLoads() { #expect(SolveFixtures.cases("cholesky", "cholesky_solve").count == 6) }

  /// A symmetric positive-definite float64 leaf `M Mᵀ + n I`.
  static func spd(_ n: Int, seed: UInt64) -> Tensor {
    let m = Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: seed))
    let a = m.matmul(m.mT) + Tensor.eye(n, dtype: .float64) * n
    a.requiresGrad = true
    return a
  }

  @Test("L Lᵀ and Uᵀ U rebuild A; cholesky_ex reports info 0")
  func reconstruction() throws {
    let a = Self.spd(4, seed: 41).detach()
    let l = try Linalg.cholesky(a)
    #expect((l.matmul(l.mT) - a).abs().max().item() < 1e-12)
    let u = try Linalg.cholesky(a, upper: true)
    #expect((u.mT.matmul(u) - a).abs().max().item() < 1e-12)
    let (factor, info) = Linalg.choleskyEx(a)
    #expect(info.item() == 0 && factor.equal(l))
    #expect(Linalg.choleskyEx(Tensor.zeros([0, 2, 2])).L.shape == [0, 2, 2])
    #expect(try Linalg.cholesky(Tensor.zeros([0, 0])).shape == [0, 0])
  }

  @Test("cholesky's gradient passes gradcheck and gradgradcheck in float64 (through a symmetric input)")
  func choleskyGradcheck() throws {
    let m = randomLeaf([3, 3], seed: 42)
    let eye = Tensor.eye(3, dtype: .float64) * 3
    try gradcheck({ try! Linalg.cholesky($0[0].matmul($0[0].mT) + eye) }, [m])
    try gradcheck({ try! Linalg.cholesky($0[0].matmul($0[0].mT) + eye, upper: true) }, [m])
    try gradgradcheck({ try! Linalg.cholesky($0[0].matmul($0[0].mT) + eye) }, [m])
    #expect(try Linalg.cholesky(Self.spd(2, seed: 43)).gradFn?.name == "LinalgCholeskyExBackward0")
  }

  @Test("cholesky_solve solves A X = B and its gradients pass gradcheck in float64")
  func choleskySolve() throws {
    let a = Self.spd(3, seed: 44).detach()
    let b = randomLeaf([2, 3, 2], seed: 45)
    let l = try Linalg.cholesky(a)
    let x = Linalg.choleskySolve(b.detach(), l)
    #expect((a.matmul(x) - b.detach()).abs().max().item() < 1e-12)
    for upper in [false, true] {
      let factor = try Linalg.cholesky(a, upper: upper)
      factor.requiresGrad = true
      // The function reads one triangle only, so check it through the triangle it reads.
      try gradcheck({ Linalg.choleskySolve($0[0], upper ? $0[1].triu() : $0[1].tril(), upper: upper) }, [b, factor])
    }
    #expect(Linalg.choleskySolve(b, l).gradFn?.name == "CholeskySolveBackward0")
  }
}
