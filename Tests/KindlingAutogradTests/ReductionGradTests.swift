import KindlingTestSupport
import Testing

@testable import KindlingAutograd

/// One op of Tools/fixtures/autograd_reduction.py: an input (with the view applied before it
/// becomes a leaf), the op's arguments, an upstream gradient and PyTorch's input gradient.
private struct ReductionGradCase: Decodable {
  let op: String
  let dims: [Int]?
  let dim: Int?
  let keepDim: Bool?
  let correction: Int?
  let p: FixtureNumber?
  let k: Int?
  let descending: Bool?
  let largest: Bool?
  let permute: [Int]?
  let expand: [Int]?
  let input: FixtureTensor
  let gradOutput: FixtureTensor
  let expected: FixtureTensor

  var label: String {
    "\(op) dims: \(dims ?? dim.map { [$0] } ?? []) keepDim: \(keepDim ?? false) p: \(p?.value ?? 2) "
      + "input: \(input.shape) \(permute.map { "permute \($0)" } ?? "")"
  }

  /// Tight for float64: the gradients are computed as PyTorch does, up to rounding.
  var absoluteTolerance: Double { expected.dtype == "float64" ? 1e-11 : 1e-6 }

  /// The leaf the op runs on: the stored input, viewed as the case says.
  func leaf() -> Tensor {
    var x = input.tensor
    if let permute { x = x.permute(permute) }
    if let expand { x = x.expand(expand) }
    x = x.detach()
    x.requiresGrad = true
    return x
  }

  func run(_ x: Tensor) -> Tensor {
    let keep = keepDim ?? false
    switch op {
    case "sum": return dims.map { x.sum(dims: $0, keepDim: keep) } ?? x.sum()
    case "mean": return dims.map { x.mean(dims: $0, keepDim: keep) } ?? x.mean()
    case "prod": return dim.map { x.prod(dim: $0, keepDim: keep) } ?? x.prod()
    case "max": return dim.map { x.max(dim: $0, keepDim: keep).values } ?? x.max()
    case "min": return dim.map { x.min(dim: $0, keepDim: keep).values } ?? x.min()
    case "amax": return x.amax(dims: dims!, keepDim: keep)
    case "amin": return x.amin(dims: dims!, keepDim: keep)
    case "std":
      return dims.map { x.std(dims: $0, correction: correction!, keepDim: keep) } ?? x.std(correction: correction!)
    case "var":
      return dims.map { x.var(dims: $0, correction: correction!, keepDim: keep) } ?? x.var(correction: correction!)
    case "norm": return x.norm(p: p!.value, dims: dims ?? [], keepDim: keep)
    case "logsumexp": return x.logsumexp(dims: dims!, keepDim: keep)
    case "cumsum": return x.cumsum(dim: dim!)
    case "cumprod": return x.cumprod(dim: dim!)
    case "softmax": return x.softmax(dim: dim!)
    case "logSoftmax": return x.logSoftmax(dim: dim!)
    case "sort": return x.sort(dim: dim!, descending: descending!).values
    case "topk": return x.topk(k!, dim: dim!, largest: largest!).values
    case "kthvalue": return x.kthvalue(k!, dim: dim!, keepDim: keep).values
    default: preconditionFailure("unknown op \(op)")
    }
  }
}

private struct ReductionGradFixture: Decodable { let cases: [ReductionGradCase] }

/// A float64 leaf that requires grad.
private func leaf(_ values: [Double], _ shape: [Int]) -> Tensor {
  let x = Tensor(scalars: values, shape: shape).to(.float64)
  x.requiresGrad = true
  return x
}

/// A seeded random float64 leaf (distinct values: no ties, no zeros).
private func random(_ shape: [Int], seed: UInt64) -> Tensor {
  Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed), requiresGrad: true)
}

/// Whether every rule a double backward through these ops runs is registered yet (views, cat
/// and masked fills belong to other families).
private func rulesExist(_ names: [String]) -> Bool { names.allSatisfy(GradientRules.hasRule) }

private let doubleBackwardRules = ["CatBackward0", "MaskedFillBackward0", "UnsqueezeBackward0", "ExpandBackward0"]

@Suite("Reduction gradients")
struct ReductionGradTests {
  @Test("every reduction, scan, softmax and sort gradient matches PyTorch's")
  func fixtures() throws {
    let fixture = try loadFixture("grad_reduction.json", as: ReductionGradFixture.self)
    #expect(fixture.cases.count > 100)
    for c in fixture.cases {
      let x = c.leaf()
      let y = c.run(x)
      let g = grad(outputs: [y], inputs: [x], gradOutputs: [c.gradOutput.tensor], allowUnused: true)[0]
      let tolerance = c.absoluteTolerance
      expectMatches(g ?? Tensor.zerosLike(x), c.expected, absoluteTolerance: tolerance, Comment(rawValue: c.label))
    }
  }

  @Test("recording the backward (createGraph) gives the same gradients, zeros in prod and cumprod included")
  func fixturesWithGraph() throws {
    let fixture = try loadFixture("grad_reduction.json", as: ReductionGradFixture.self)
    let smooth = ["prod", "cumprod", "std", "var", "norm", "logsumexp", "softmax", "logSoftmax"]
    for c in fixture.cases where smooth.contains(c.op) {
      let x = c.leaf()
      let g = grad(
        outputs: [c.run(x)], inputs: [x], gradOutputs: [c.gradOutput.tensor], createGraph: true, allowUnused: true)[0]
      let tolerance = c.absoluteTolerance
      let value = (g ?? Tensor.zerosLike(x)).detach()
      expectMatches(value, c.expected, absoluteTolerance: tolerance, Comment(rawValue: c.label))
    }
  }

  @Test("sum, mean and prod pass gradcheck")
  func arithmeticGradcheck() throws {
    let x = random([3, 4], seed: 1)
    try gradcheck({ $0[0].sum() }, [x])
    try gradcheck({ $0[0].sum(dims: [0], keepDim: true) }, [x])
    try gradcheck({ $0[0].sum(dim: -1) }, [x])
    try gradcheck({ $0[0].mean() }, [x])
    try gradcheck({ $0[0].mean(dims: [1], keepDim: false) }, [x])
    try gradcheck({ $0[0].prod() }, [x])
    try gradcheck({ $0[0].prod(dim: 1) }, [x])
    try gradcheck({ $0[0].prod(dim: 0, keepDim: true) }, [x])
    // prod is a polynomial: smooth through zeros, one or two in a slice.
    let zeros = leaf([1.5, 0, -2, 0.5, 0, 0, 1.25, 3, -0.5], [3, 3])
    try gradcheck({ $0[0].prod() }, [zeros])
    try gradcheck({ $0[0].prod(dim: 1) }, [zeros])
    try gradcheck({ $0[0].prod(dim: 0) }, [zeros])
  }

  @Test("max, min, amax and amin pass gradcheck away from ties")
  func extremaGradcheck() throws {
    let x = random([3, 4], seed: 2)
    try gradcheck({ $0[0].max() }, [x])
    try gradcheck({ $0[0].min() }, [x])
    try gradcheck({ $0[0].max(dim: 1).values }, [x])
    try gradcheck({ $0[0].min(dim: 0, keepDim: true).values }, [x])
    try gradcheck({ $0[0].amax(dims: [0, 1]) }, [x])
    try gradcheck({ $0[0].amin(dim: 1) }, [x])
  }

  @Test("std, var, norms and logsumexp pass gradcheck")
  func statisticsGradcheck() throws {
    let x = random([2, 5], seed: 3)
    try gradcheck({ $0[0].std() }, [x])
    try gradcheck({ $0[0].std(dim: 1, correction: 0) }, [x])
    try gradcheck({ $0[0].var() }, [x])
    try gradcheck({ $0[0].var(dims: [0], correction: 1, keepDim: true) }, [x])
    try gradcheck({ $0[0].var(correction: 2) }, [x])
    for p in [2.0, 1, .infinity, -.infinity, 3, 1.5, 0.5, -1] {
      try gradcheck({ $0[0].norm(p: p) }, [x])
      try gradcheck({ $0[0].norm(p: p, dim: 1, keepDim: true) }, [x])
    }
    try gradcheck({ $0[0].logsumexp(dim: 1) }, [x])
    try gradcheck({ $0[0].logsumexp(dims: [0, 1], keepDim: true) }, [x])
  }

  @Test("cumsum, cumprod (with zeros), softmax and logSoftmax pass gradcheck")
  func scansGradcheck() throws {
    let x = random([3, 4], seed: 4)
    try gradcheck({ $0[0].cumsum(dim: 1) }, [x])
    try gradcheck({ $0[0].cumsum(dim: 0) }, [x])
    try gradcheck({ $0[0].cumprod(dim: 1) }, [x])
    let zeros = leaf([2, 0, 3, 0.5, 0, 1.5, -2, 0, 1.5, -2, 0.5, 0], [3, 4])
    try gradcheck({ $0[0].cumprod(dim: 1) }, [zeros])
    try gradcheck({ $0[0].cumprod(dim: 0) }, [zeros])
    try gradcheck({ $0[0].softmax(dim: 1) }, [x])
    try gradcheck({ $0[0].softmax(dim: 0) }, [x])
    try gradcheck({ $0[0].logSoftmax(dim: -1) }, [x])
  }

  @Test("sort, topk and kthvalue pass gradcheck")
  func selectionGradcheck() throws {
    let x = random([3, 4], seed: 5)
    try gradcheck({ $0[0].sort(dim: 1).values }, [x])
    try gradcheck({ $0[0].sort(dim: 0, descending: true).values }, [x])
    try gradcheck({ $0[0].topk(2, dim: 1).values }, [x])
    try gradcheck({ $0[0].topk(2, dim: 0, largest: false).values }, [x])
    try gradcheck({ $0[0].kthvalue(2, dim: 1).values }, [x])
    try gradcheck({ $0[0].kthvalue(3, dim: 0, keepDim: true).values }, [x])
  }

  @Test(
    "sum, mean, prod, std, var, the 2-norm, logsumexp, cumsum, softmax and logSoftmax pass gradgradcheck",
    .enabled(if: rulesExist(doubleBackwardRules), "needs the view, cat and masked-fill rules of other families"))
  func secondOrder() throws {
    let x = random([2, 4], seed: 6)
    try gradgradcheck({ $0[0].sum() }, [x])
    try gradgradcheck({ $0[0].sum(dim: 1) }, [x])
    try gradgradcheck({ $0[0].mean(dim: 0, keepDim: true) }, [x])
    try gradgradcheck({ $0[0].prod() }, [x])
    try gradgradcheck({ $0[0].prod(dim: 1) }, [x])
    try gradgradcheck({ $0[0].std() }, [x])
    try gradgradcheck({ $0[0].std(dim: 1, correction: 0) }, [x])
    try gradgradcheck({ $0[0].var() }, [x])
    try gradgradcheck({ $0[0].var(dim: 0, keepDim: true) }, [x])
    try gradgradcheck({ $0[0].norm() }, [x])
    try gradgradcheck({ $0[0].norm(dim: 1) }, [x])
    try gradgradcheck({ $0[0].logsumexp(dim: 1) }, [x])
    try gradgradcheck({ $0[0].cumsum(dim: 1) }, [x])
    try gradgradcheck({ $0[0].softmax(dim: 1) }, [x])
    try gradgradcheck({ $0[0].logSoftmax(dim: 0) }, [x])
  }

  @Test("a tensor used by two reductions accumulates both gradients")
  func accumulates() {
    let x = leaf([1, 2, 3, 4], [4])
    (x.sum() + x.mean() + x.max()).backward()
    #expect(x.grad!.scalars(as: Double.self) == [1.25, 1.25, 1.25, 2.25])
  }

  @Test("max() splits ties evenly; max(dim:) gives the first index everything")
  func ties() {
    let x = leaf([1, 3, 3, -1], [4])
    x.max().backward()
    #expect(x.grad!.scalars(as: Double.self) == [0, 0.5, 0.5, 0])
    let y = leaf([1, 3, 3, -1], [4])
    y.max(dim: 0).values.backward()
    #expect(y.grad!.scalars(as: Double.self) == [0, 1, 0, 0])
    let z = leaf([-1, 3, -1, -1], [2, 2])
    z.amin(dims: []).backward()
    let third: Double = 1.0 / 3
    #expect(z.grad!.scalars(as: Double.self) == [third, 0, third, third])
  }

  @Test("prod with one zero passes the others' product to it; with two zeros nothing")
  func prodZeros() {
    let one = leaf([2, 0, 3], [3])
    one.prod().backward()
    #expect(one.grad!.scalars(as: Double.self) == [0, 6, 0])
    let two = leaf([2, 0, 0], [3])
    two.prod().backward()
    #expect(two.grad!.scalars(as: Double.self) == [0, 0, 0])
  }

  @Test("a zero vector's norm and a constant row's std have zero gradients, not NaN")
  func zeroNorm() {
    let x = leaf([0, 0, 0], [3])
    x.norm().backward()
    #expect(x.grad!.scalars(as: Double.self) == [0, 0, 0])
    let y = leaf([2, 2, 2], [3])
    y.std().backward()
    #expect(y.grad!.scalars(as: Double.self) == [0, 0, 0])
  }

  @Test("softmax's gradient sums to zero along its dim")
  func softmaxSumsToZero() {
    let x = random([2, 3], seed: 7)
    let g = grad(outputs: [x.softmax(dim: 1)], inputs: [x], gradOutputs: [Tensor.randn([2, 3], dtype: .float64)])[0]!
    for s in g.sum(dim: 1).scalars(as: Double.self) { #expect(abs(s) < 1e-12) }
  }
}
