import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.svd and svdvals")
struct SVDTests {
  @Test(
    "svd's invariants and svdvals match PyTorch's values and gradients",
    arguments: SVDFixtures.cases("svd", "svdvals"))
  func matchesPyTorch(_ c: SVDCase) throws {
    try SVDFixtures.check(c)
    try SVDFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every SVD case")
  func fixtureLoads() {
    #expect(SVDFixtures.cases("svd").count == 56)
    #expect(SVDFixtures.cases("svdvals").count == 4)
  }

  /// `max |x|`.
  static func maxAbs(_ x: Tensor) -> Double { x.abs().max().item() }

  @Test(
    "U diag(S) Vh rebuilds A and U, Vh are orthogonal: full and reduced, tall, wide, batched, non-contiguous",
    arguments: [[4, 4], [5, 3], [3, 5], [2, 3, 4, 2], [1, 6]])
  func reconstruction(_ shape: [Int]) throws {
    let m = shape[shape.count - 2]
    let n = shape[shape.count - 1]
    let k = Swift.min(m, n)
    for dtype in [DType.float64, .float32] {
      let tol = dtype == .float64 ? 1e-12 : 1e-5
      let a = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: 51)).to(dtype)
      for input in [a, a.mT.contiguous().mT] {
        let (u, s, vh) = try Linalg.svd(input)
        #expect(u.shape == Array(shape.dropLast(2)) + [m, m] && vh.shape == Array(shape.dropLast(2)) + [n, n])
        let uk = u.narrow(dim: u.rank - 1, start: 0, length: k)
        let vhk = vh.narrow(dim: vh.rank - 2, start: 0, length: k)
        #expect(Self.maxAbs((uk * s.unsqueeze(-2)).matmul(vhk) - a) < tol * 10)
        #expect(Self.maxAbs(u.mT.matmul(u) - Tensor.eye(m, dtype: dtype)) < tol * 10)
        #expect(Self.maxAbs(vh.matmul(vh.mT) - Tensor.eye(n, dtype: dtype)) < tol * 10)
        let reduced = try Linalg.svd(input, fullMatrices: false)
        #expect(reduced.U.shape.suffix(2) == [m, k] && reduced.Vh.shape.suffix(2) == [k, n])
        #expect(Self.maxAbs((reduced.U * reduced.S.unsqueeze(-2)).matmul(reduced.Vh) - a) < tol * 10)
        #expect(Self.maxAbs(reduced.S - s) < tol * 10)
        #expect(Self.maxAbs(try Linalg.svdvals(input) - s) < tol * 10)
        // Descending, non-negative.
        let values = s.reshape([-1, k]).doubles
        for row in stride(from: 0, to: values.count, by: k) {
          for i in 0..<(k - 1) { #expect(values[row + i] >= values[row + i + 1]) }
          #expect(values[row + k - 1] >= 0)
        }
      }
    }
  }

  @Test("empty matrices: zero singular values, identity singular vectors")
  func empty() throws {
    let (u, s, vh) = try Linalg.svd(Tensor.zeros([0, 3], dtype: .float64))
    #expect(u.shape == [0, 0] && s.shape == [0] && vh.shape == [3, 3])
    #expect(vh.equal(Tensor.eye(3, dtype: .float64)))
    let r = try Linalg.svd(Tensor.zeros([2, 3, 0], dtype: .float64), fullMatrices: false)
    #expect(r.U.shape == [2, 3, 0] && r.S.shape == [2, 0] && r.Vh.shape == [2, 0, 0])
    #expect(try Linalg.svdvals(Tensor.zeros([4, 0])).shape == [0])
    // Recorded on an empty input, a backward runs without stopping.
    let z = Tensor.zeros([3, 0], dtype: .float64)
    z.requiresGrad = true
    let (zu, zs, zvh) = try Linalg.svd(z)
    _ = grad(outputs: [zu.sum() + zs.sum() + zvh.sum() + (try Linalg.svdvals(z)).sum()], inputs: [z], allowUnused: true)
  }

  @Test("gradients through U, S and Vh pass gradcheck and gradgradcheck in float64")
  func gradcheckSVD() throws {
    for shape in [[3, 3], [4, 3], [3, 4], [2, 3, 2]] {
      let a = randomLeaf(shape, seed: 52)
      for full in [false, true] {
        // Gauge-invariant functions: S, U diag(c) Vh, |U|, |Vh|.
        let k = Swift.min(shape[shape.count - 2], shape[shape.count - 1])
        let c = Tensor(scalars: (0..<k).map { Double($0 + 2) }, shape: [k])
        let product: ([Tensor]) -> Tensor = { x in
          let (u, _, vh) = try! Linalg.svd(x[0], fullMatrices: full)
          let uk = u.narrow(dim: u.rank - 1, start: 0, length: k)
          return (uk * c).matmul(vh.narrow(dim: vh.rank - 2, start: 0, length: k))
        }
        try gradcheck(product, [a])
        try gradgradcheck(product, [a])
        try gradcheck({ try! Linalg.svd($0[0], fullMatrices: full).S }, [a])
        let absU: ([Tensor]) -> Tensor = { x in
          let u = try! Linalg.svd(x[0], fullMatrices: full).U
          return u.narrow(dim: u.rank - 1, start: 0, length: k).abs()
        }
        try gradcheck(absU, [a])
        try gradgradcheck(absU, [a])
        let absVh: ([Tensor]) -> Tensor = { x in
          let vh = try! Linalg.svd(x[0], fullMatrices: full).Vh
          return vh.narrow(dim: vh.rank - 2, start: 0, length: k).abs()
        }
        try gradcheck(absVh, [a])
      }
      try gradcheck({ try! Linalg.svdvals($0[0]) }, [a])
      try gradgradcheck({ try! Linalg.svdvals($0[0]) }, [a])
    }
    let a = randomLeaf([3, 2], seed: 53)
    #expect(try Linalg.svdvals(a).gradFn?.name == "LinalgSvdBackward0")
    #expect(try Linalg.svd(a).S.gradFn != nil)
  }

  @Test("repeated singular values: svdvals' gradient stays finite, the vectors' is not (as in PyTorch)")
  func repeatedSingularValues() throws {
    let a = (Tensor.eye(3, dtype: .float64) * 2).detach()
    a.requiresGrad = true
    let s = try Linalg.svdvals(a)
    let (g) = grad(outputs: [s.sum()], inputs: [a])[0]!
    #expect(g.isfinite().all().item() != 0)
    #expect(Self.maxAbs(g - Tensor.eye(3, dtype: .float64)) < 1e-12)
    // Through svd with a loss on S only: still U diag(gS) Vh.
    let gS = grad(outputs: [try Linalg.svd(a).S.sum()], inputs: [a])[0]!
    #expect(Self.maxAbs(gS - Tensor.eye(3, dtype: .float64)) < 1e-12)
    // A loss on the vectors divides by σᵢ² − σⱼ² = 0.
    let (u, _, vh) = try Linalg.svd(a)
    let gU = grad(outputs: [(u.matmul(vh) * Tensor.randn([3, 3], dtype: .float64)).sum()], inputs: [a])[0]!
    #expect(gU.isfinite().all().item() == 0)
  }
}
