import Testing

@testable import KindlingAutograd

/// The view rules matmul and einsum record around their products (other families' rules).
let matmulViewRules = rulesRegistered(
  "PermuteBackward0", "TBackward0", "TransposeBackward0", "UnsqueezeBackward0", "SqueezeBackward0",
  "SqueezeBackward4", "ExpandBackward0", "UnsafeViewBackward0", "ViewBackward0", "DiagonalBackward0", "SumBackward1")

@Suite("Gradients of matrix products")
struct LinearAlgebraGradTests {
  @Test("every product fixture case matches PyTorch's gradients")
  func fixtures() {
    let cases = IndexingGradCase.cases(["mm", "bmm", "mv", "dot", "addmm", "baddbmm"])
    #expect(cases.count == 13)
    for c in cases { c.check() }
  }

  @Test("matmul's paths and einsum match PyTorch's gradients end to end", .enabled(if: matmulViewRules))
  func matmulEinsumFixtures() {
    let cases = IndexingGradCase.cases(["matmul", "einsum"])
    #expect(cases.count == 13)
    for c in cases { c.check() }
  }

  @Test("every product rule is registered")
  func registered() {
    for name in ["MmBackward0", "BmmBackward0", "MvBackward0", "DotBackward0", "AddmmBackward0", "BaddbmmBackward0"] {
      #expect(GradientRules.hasRule(name), "\(name)")
    }
  }

  // MARK: gradcheck

  @Test("mm, bmm, mv and dot pass gradcheck")
  func gradcheckProducts() throws {
    let (a, b) = (randomLeaf([2, 3], seed: 11), randomLeaf([3, 2], seed: 12))
    try gradcheck({ $0[0].mm($0[1]) }, [a, b])
    try gradcheck({ $0[0].bmm($0[1]) }, [randomLeaf([2, 2, 3], seed: 14), randomLeaf([2, 3, 1], seed: 15)])
    try gradcheck({ $0[0].mv($0[1]) }, [a, randomLeaf([3], seed: 16)])
    try gradcheck({ $0[0].dot($0[1]) }, [randomLeaf([4], seed: 17), randomLeaf([4], seed: 18)])
  }

  @Test("addmm and baddbmm pass gradcheck with beta, alpha and a broadcast self")
  func gradcheckAdds() throws {
    let (a, b) = (randomLeaf([2, 3], seed: 19), randomLeaf([3, 2], seed: 20))
    try gradcheck({ $0[0].addmm($0[1], $0[2], beta: 0.5, alpha: -2) }, [randomLeaf([2, 2], seed: 21), a, b])
    try gradcheck({ $0[0].addmm($0[1], $0[2], beta: 0, alpha: 3) }, [randomLeaf([2, 2], seed: 22), a, b])
    try gradcheck(
      { $0[0].baddbmm($0[1], $0[2], beta: 2, alpha: 0.25) },
      [randomLeaf([2, 1, 2], seed: 23), randomLeaf([2, 1, 3], seed: 24), randomLeaf([2, 3, 2], seed: 25)])
  }

  @Test("a bias broadcast in addmm sums its gradient over the rows", .enabled(if: rulesRegistered("SumBackward1")))
  func addmmBroadcastBias() throws {
    try gradcheck({ $0[0].addmm($0[1], $0[2], beta: 1.5) }, [randomLeaf([2], seed: 26), randomLeaf([3, 2], seed: 27), randomLeaf([2, 2], seed: 28)])
  }

  @Test("matmul passes gradcheck on every path", .enabled(if: matmulViewRules))
  func gradcheckMatmul() throws {
    let shapes: [([Int], [Int])] = [
      ([3], [3]), ([2, 3], [3]), ([3], [3, 2]), ([2, 3], [3, 2]), ([2, 2, 3], [3, 2]), ([3], [2, 3, 2]),
      ([2, 1, 2, 3], [3, 3, 1]), ([2, 2, 3], [3]), ([1, 2, 3], [2, 3, 2]),
    ]
    for (k, (s1, s2)) in shapes.enumerated() {
      try gradcheck({ $0[0].matmul($0[1]) }, [randomLeaf(s1, seed: 100 + UInt64(k)), randomLeaf(s2, seed: 200 + UInt64(k))])
    }
    let t = randomLeaf([3, 2], seed: 30)
    try gradcheck({ $0[0].mT.matmul($0[1].mT) }, [t, randomLeaf([2, 3], seed: 31)])
  }

  @Test("einsum passes gradcheck", .enabled(if: matmulViewRules))
  func gradcheckEinsum() throws {
    try gradcheck({ Tensor.einsum("ij,jk->ik", $0) }, [randomLeaf([2, 3], seed: 40), randomLeaf([3, 2], seed: 41)])
    try gradcheck({ Tensor.einsum("bij,bjk->bik", $0) }, [randomLeaf([2, 2, 3], seed: 42), randomLeaf([2, 3, 2], seed: 43)])
    try gradcheck({ Tensor.einsum("i,i->", $0) }, [randomLeaf([4], seed: 44), randomLeaf([4], seed: 45)])
    try gradcheck({ Tensor.einsum("ii->i", $0) }, [randomLeaf([3, 3], seed: 46)])
  }

  // MARK: gradgradcheck (the check joins gradients with cat; the rules transpose)

  @Test("double backward of dot", .enabled(if: rulesRegistered("CatBackward0")))
  func gradgradDot() throws {
    try gradgradcheck({ $0[0].dot($0[1]) }, [randomLeaf([3], seed: 50), randomLeaf([3], seed: 51)])
  }

  @Test(
    "double backward of mm, bmm, mv, addmm and baddbmm",
    .enabled(if: rulesRegistered("CatBackward0", "TBackward0", "TransposeBackward0")))
  func gradgradProducts() throws {
    let (a, b) = (randomLeaf([2, 3], seed: 52), randomLeaf([3, 2], seed: 53))
    try gradgradcheck({ $0[0].mm($0[1]) }, [a, b])
    try gradgradcheck({ $0[0].bmm($0[1]) }, [randomLeaf([2, 1, 3], seed: 54), randomLeaf([2, 3, 2], seed: 55)])
    try gradgradcheck({ $0[0].mv($0[1]) }, [a, randomLeaf([3], seed: 56)])
    try gradgradcheck({ $0[0].addmm($0[1], $0[2], beta: 0.5, alpha: 2) }, [randomLeaf([2, 2], seed: 57), a, b])
    try gradgradcheck(
      { $0[0].baddbmm($0[1], $0[2], beta: -1, alpha: 0.5) },
      [randomLeaf([2, 1, 1], seed: 58), randomLeaf([2, 1, 3], seed: 59), randomLeaf([2, 3, 1], seed: 60)].map { $0 })
  }

  @Test("double backward of matmul and einsum", .enabled(if: matmulViewRules && rulesRegistered("CatBackward0")))
  func gradgradMatmul() throws {
    try gradgradcheck({ $0[0].matmul($0[1]) }, [randomLeaf([2, 2, 3], seed: 61), randomLeaf([3, 2], seed: 62)])
    try gradgradcheck({ $0[0].matmul($0[1]) }, [randomLeaf([3], seed: 63), randomLeaf([2, 3, 2], seed: 64)])
    try gradgradcheck({ Tensor.einsum("bij,bjk->bik", $0) }, [randomLeaf([2, 2, 3], seed: 65), randomLeaf([2, 3, 1], seed: 66)])
  }

  // MARK: behaviour

  @Test("a matrix used on both sides of mm gets both gradients")
  func usedTwice() {
    let a = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
    a.mm(a).sum().backward()
    // d/dA sum(A A) = 1 Aᵀ + Aᵀ 1
    #expect(a.grad!.scalars(as: Double.self) == [7, 11, 9, 13])
  }

  @Test("only the inputs that require grad get a gradient, scaled by alpha")
  func onlyRequired() {
    let bias = Tensor.zeros([2, 2])
    let m1 = Tensor([[1.0, 0.0], [0.0, 1.0]], requiresGrad: true)
    let m2 = Tensor([[2.0, 3.0], [4.0, 5.0]])
    bias.addmm(m1, m2, alpha: 2).sum().backward()
    #expect(m1.grad!.scalars(as: Double.self) == [10, 18, 10, 18])
    #expect(bias.grad == nil && m2.grad == nil)
  }

  @Test("a weight used transposed (x · Wᵀ, as in Linear) gets a contiguous gradient with the right values")
  func transposedWeightGradientLayout() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype: .float64)
    let weight = Tensor([[1.0, 0.0], [0.5, 2.0], [0.0, 1.0], [1.0, 1.0]], dtype: .float64, requiresGrad: true)
    let bias = Tensor.zeros([4], dtype: .float64, requiresGrad: true)
    bias.addmm(x, weight.t()).sum().backward()
    let grad = weight.grad!
    #expect(grad.isContiguous)
    #expect(grad.scalars(as: Double.self) == [9, 12, 9, 12, 9, 12, 9, 12])
    x.matmul(weight.t()).sum().backward()
    #expect(weight.grad!.isContiguous && weight.grad!.scalars(as: Double.self) == Array(repeating: [18.0, 24.0], count: 4).flatMap { $0 })
  }
}
