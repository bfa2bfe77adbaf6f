import KindlingTestSupport
import Testing

@testable import KindlingAutograd
@testable import KindlingTensor

/// One case of Tools/fixtures/autograd_indexing.py: float64 leaves, the op's arguments, an
/// upstream gradient and the gradients PyTorch gives each leaf.
struct IndexingGradCase: Decodable {
  struct Input: Decodable {
    let tensor: FixtureTensor
    /// The leaf is the stored tensor's `mT` (a non-contiguous leaf).
    let mT: Bool
    let requiresGrad: Bool
  }

  /// One advanced-indexing entry: the view dimension it starts at and the index tensor.
  struct Entry: Decodable {
    let dim: Int
    let index: FixtureTensor
    init(from decoder: any Decoder) throws {
      var container = try decoder.unkeyedContainer()
      dim = try container.decode(Int.self)
      index = try container.decode(FixtureTensor.self)
    }
  }

  struct Args: Decodable {
    let dim: Int?
    let index: FixtureTensor?
    let value: Double?
    let alpha: Double?
    let beta: Double?
    let mask: FixtureTensor?
    let entries: [Entry]?
    let equation: String?
  }

  let name: String
  let op: String
  let gradFn: String
  let inputs: [Input]
  let args: Args
  let grad: FixtureTensor
  let expected: [FixtureTensor?]

  /// Fresh leaves, as the fixture describes them.
  func leaves() -> [Tensor] {
    inputs.map { input in
      let stored = input.tensor.tensor
      let leaf = (input.mT ? stored.mT : stored).detach()
      leaf.requiresGrad = input.requiresGrad
      return leaf
    }
  }

  /// The op applied to `xs`, as in the fixture script's `run`.
  func run(_ xs: [Tensor]) -> Tensor {
    let a = args
    switch op {
    case "index_select": return xs[0].indexSelect(dim: a.dim!, index: a.index!.tensor)
    case "gather": return xs[0].gather(dim: a.dim!, index: a.index!.tensor)
    case "take": return xs[0].take(a.index!.tensor)
    case "scatter": return xs[0].scatter(dim: a.dim!, index: a.index!.tensor, src: xs[1])
    case "scatter_value": return xs[0].scatter(dim: a.dim!, index: a.index!.tensor, value: a.value!)
    case "scatter_add": return xs[0].scatterAdd(dim: a.dim!, index: a.index!.tensor, src: xs[1])
    case "index_add": return xs[0].indexAdd(dim: a.dim!, index: a.index!.tensor, source: xs[1], alpha: a.alpha!)
    case "masked_select": return xs[0].maskedSelect(a.mask!.tensor)
    case "index": return xs[0].advancedIndex(a.entries!.map { ($0.dim, $0.index.tensor) })
    case "mm": return xs[0].mm(xs[1])
    case "bmm": return xs[0].bmm(xs[1])
    case "mv": return xs[0].mv(xs[1])
    case "dot": return xs[0].dot(xs[1])
    case "matmul": return xs[0].matmul(xs[1])
    case "addmm": return xs[0].addmm(xs[1], xs[2], beta: a.beta!, alpha: a.alpha!)
    case "baddbmm": return xs[0].baddbmm(xs[1], xs[2], beta: a.beta!, alpha: a.alpha!)
    case "einsum": return Tensor.einsum(a.equation!, xs)
    default: preconditionFailure("unknown op \(op)")
    }
  }

  /// Runs the case and compares every leaf's gradient (and the output's grad_fn) with PyTorch.
  func check() {
    let xs = leaves()
    let out = run(xs)
    #expect(out.gradFn?.name == gradFn, "\(name)")
    let wanted = xs.filter(\.requiresGrad)
    var grads = KindlingAutograd.grad(outputs: [out], inputs: wanted, gradOutputs: [grad.tensor], allowUnused: true)
      .makeIterator()
    for (x, expected) in zip(xs, expected) {
      guard x.requiresGrad else { continue }
      guard let g = grads.next()!, let expected else {
        Issue.record("\(name): a gradient is missing")
        continue
      }
      expectMatches(g, expected, Comment(rawValue: name))
    }
  }

  static let all: [IndexingGradCase] = {
    struct File: Decodable { let cases: [IndexingGradCase] }
    return try! loadFixture("grad_indexing.json", as: File.self).cases
  }()

  static func cases(_ ops: Set<String>) -> [IndexingGradCase] { all.filter { ops.contains($0.op) } }
}

/// Whether every named rule is registered (tests that need another family's rules wait for them).
func rulesRegistered(_ names: String...) -> Bool { names.allSatisfy(GradientRules.hasRule) }

/// A bool tensor.
func boolMask(_ values: [Bool], _ shape: [Int]) -> Tensor { Tensor(scalars: values, shape: shape) }

/// A float64 leaf of standard normal values, reproducible by `seed`.
func randomLeaf(_ shape: [Int], seed: UInt64) -> Tensor {
  Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed), requiresGrad: true)
}

@Suite("Gradients of indexing ops")
struct IndexingGradTests {
  static let ops: Set<String> = [
    "index_select", "gather", "take", "scatter", "scatter_value", "scatter_add", "index_add", "masked_select", "index",
  ]

  @Test("every indexing fixture case matches PyTorch's gradients")
  func fixtures() {
    let cases = IndexingGradCase.cases(Self.ops)
    #expect(cases.count >= 27)
    for c in cases { c.check() }
  }

  @Test("every indexing rule is registered")
  func registered() {
    for name in [
      "IndexSelectBackward0", "GatherBackward0", "TakeBackward0", "ScatterBackward0", "ScatterBackward1",
      "ScatterAddBackward0", "IndexAddBackward0", "MaskedSelectBackward0", "IndexBackward0",
    ] {
      #expect(GradientRules.hasRule(name), "\(name)")
    }
  }

  // MARK: gradcheck

  @Test("index_select, gather and take pass gradcheck")
  func gradcheckPicks() throws {
    let x = randomLeaf([3, 4], seed: 1)
    try gradcheck({ $0[0].indexSelect(dim: 1, index: Tensor([3, 0, 3])) }, [x])
    try gradcheck({ $0[0].gather(dim: 0, index: Tensor([[2, 0, 2, 1], [2, 2, 0, 0]])) }, [x])
    try gradcheck({ $0[0].take(Tensor([0, -1, 5, 5])) }, [x])
  }

  @Test("scatter, scatter_add and index_add pass gradcheck for self and src")
  func gradcheckPlaces() throws {
    let x = randomLeaf([3, 3], seed: 3)
    let src = randomLeaf([2, 3], seed: 4)
    // scatter's result is only defined where no position is written twice; scatter_add's everywhere
    let distinct = Tensor([[0, 2, 1], [1, 0, 2]])
    try gradcheck({ $0[0].scatter(dim: 0, index: distinct, src: $0[1]) }, [x, src])
    try gradcheck({ $0[0].scatter(dim: 0, index: distinct, value: 2) }, [x])
    try gradcheck({ $0[0].scatterAdd(dim: 0, index: Tensor([[0, 2, 1], [1, 2, 2]]), src: $0[1]) }, [x, src])
    try gradcheck({ $0[0].indexAdd(dim: 0, index: Tensor([2, 2]), source: $0[1], alpha: -0.5) }, [x, src])
  }

  @Test("masked_select and advanced indexing pass gradcheck")
  func gradcheckMasks() throws {
    let x = randomLeaf([2, 3], seed: 5)
    try gradcheck({ $0[0].maskedSelect(boolMask([true, false, true], [3])) }, [x])
    try gradcheck({ $0[0][Tensor([1, 0, 1])] }, [x])
    try gradcheck({ $0[0][boolMask([true, false, true, false, true, true], [2, 3])] }, [x])
    try gradcheck({ $0[0].advancedIndex([(0, Tensor([1, 1])), (1, Tensor([2, 0]))]) }, [x])
  }

  @Test("scatter's src larger than index gets zeros beyond it", .enabled(if: rulesRegistered("ConstantPadNdBackward0")))
  func scatterLargerSource() throws {
    let x = randomLeaf([3, 3], seed: 6)
    let src = randomLeaf([3, 4], seed: 7)
    try gradcheck({ $0[0].scatter(dim: 0, index: Tensor([[0, 2], [1, 0]]), src: $0[1]) }, [x, src])
  }

  // MARK: gradgradcheck (the check itself joins gradients with cat)

  @Test("double backward of index_select, gather, take and indexing", .enabled(if: rulesRegistered("CatBackward0")))
  func gradgradPicks() throws {
    let x = randomLeaf([2, 3], seed: 8)
    try gradgradcheck(
      { $0[0].indexSelect(dim: 1, index: Tensor([2, 0, 2])) * $0[0].indexSelect(dim: 1, index: Tensor([0, 1, 2])) }, [x])
    try gradgradcheck({ $0[0].gather(dim: 1, index: Tensor([[0, 0], [2, 1]])).pow(2) }, [x])
    try gradgradcheck({ $0[0].take(Tensor([-1, 0, 4])).pow(3) }, [x])
    try gradgradcheck({ $0[0][Tensor([1, 0, 1])].exp() }, [x])
  }

  @Test("double backward of scatter, scatter_add, index_add and masked_select", .enabled(if: rulesRegistered("CatBackward0")))
  func gradgradPlaces() throws {
    let x = randomLeaf([2, 3], seed: 9)
    let src = randomLeaf([1, 3], seed: 10)
    let index = Tensor([[1, 0, 1]])
    try gradgradcheck({ $0[0].scatter(dim: 0, index: index, src: $0[1]).pow(2) }, [x, src])
    try gradgradcheck({ $0[0].scatter(dim: 0, index: index, value: 1).pow(2) }, [x])
    try gradgradcheck({ $0[0].scatterAdd(dim: 0, index: index, src: $0[1]).pow(2) }, [x, src])
    try gradgradcheck({ $0[0].indexAdd(dim: 0, index: Tensor([1]), source: $0[1], alpha: 2).pow(2) }, [x, src])
    try gradgradcheck({ $0[0].maskedSelect(boolMask([true, false, true, false, false, true], [2, 3])).pow(2) }, [x])
  }

  // MARK: behaviour

  @Test("repeated positions accumulate their gradients")
  func repeatsAccumulate() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    x.indexSelect(dim: 0, index: Tensor([2, 2, 0, 2])).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [1, 0, 3])
    let y = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    y[Tensor([0, 0, -1])].sum().backward()
    #expect(y.grad!.scalars(as: Double.self) == [2, 0, 1])
  }

  @Test("a tensor used by two indexing ops gets both gradients")
  func usedTwice() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
    let loss = x.gather(dim: 1, index: Tensor([[1], [1]])).sum() + x.take(Tensor([0, 3])).sum()
    loss.backward()
    #expect(x.grad!.scalars(as: Double.self) == [1, 1, 0, 2])
  }

  @Test("scatter's self gets no gradient where src overwrote it")
  func scatterOverwrites() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
    let src = Tensor([[5.0, 6.0]], requiresGrad: true)
    (x.scatter(dim: 0, index: Tensor([[1, 0]]), src: src) * Tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [1, 0, 0, 4])
    #expect(src.grad!.scalars(as: Double.self) == [3, 2])
  }

  @Test("indexing a non-contiguous view sends the gradient to the right elements")
  func indexNonContiguous() {
    let xt = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).t()
    xt.requiresGrad = true
    let y = xt[Tensor([2, 0])]  // rows 2 and 0 of the transpose: columns of x
    y.backward(gradient: Tensor([[1.0, 2.0], [3.0, 4.0]]))
    #expect(xt.grad!.shape == [3, 2])
    #expect(xt.grad!.contiguous().scalars(as: Double.self) == [3, 4, 0, 0, 1, 2])
  }

  @Test("integer index tensors take no gradient and the result's grad_fn has PyTorch's name")
  func names() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    #expect(x.indexSelect(dim: 0, index: Tensor([0])).gradFn?.name == "IndexSelectBackward0")
    #expect(x[Tensor([0, 1])].gradFn?.name == "IndexBackward0")
    #expect(x.maskedSelect(x .> 1).gradFn?.name == "MaskedSelectBackward0")
    #expect((x.gather(dim: 0, index: Tensor([1])).gradFn as? GraphNode)?.nextFunctions.count == 1)
  }
}
