import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingAutograd

/// One case of grad_shape.json: an op, its inputs, an upstream gradient per output and the
/// gradients PyTorch computes for the inputs.
private struct ShapeGradCase: Decodable {
  struct Input: Decodable {
    let tensor: FixtureTensor
    let transposed: Bool
  }
  struct Args: Decodable {
    var shape: [Int]?
    var dims: [Int]?
    var dim: Int?
    var start: Int?
    var end: Int?
    var step: Int?
    var length: Int?
    var index: Int?
    var offset: Int?
    var dim1: Int?
    var dim2: Int?
    var size: Int?
    var sizes: [Int]?
    var chunks: Int?
    var repeats: [Int]?
    var shifts: [Int]?
    var diagonal: Int?
    var pad: [Int]?
    var mode: String?
  }
  let name: String
  let op: String
  let args: Args
  let gradFn: String
  let inputs: [Input]
  let grads: [FixtureTensor]
  let expected: [FixtureTensor]
}

private struct ShapeGradFixture: Decodable {
  let cases: [ShapeGradCase]
}

/// Runs a fixture case's op on `xs` (the tensors the op sees), returning every output.
private func run(_ op: String, _ a: ShapeGradCase.Args, _ xs: [Tensor]) -> [Tensor] {
  let x = xs[0]
  switch op {
  case "view": return [x.view(a.shape!)]
  case "reshape": return [x.reshape(a.shape!)]
  case "flatten": return [x.flatten(startDim: a.start!, endDim: a.end!)]
  case "permute": return [x.permute(a.dims!)]
  case "transpose": return [x.transpose(a.dims![0], a.dims![1])]
  case "t": return [x.t()]
  case "mT": return [x.mT]
  case "expand": return [x.expand(a.shape!)]
  case "squeeze": return [a.dim.map { x.squeeze($0) } ?? x.squeeze()]
  case "unsqueeze": return [x.unsqueeze(a.dim!)]
  case "narrow": return [x.narrow(dim: a.dim!, start: a.start!, length: a.length!)]
  case "slice":
    let lead = [TensorIndex](repeating: .all, count: a.dim!)
    return [x.index(lead + [.slice(a.start!, a.end!, step: a.step!)])]
  case "select": return [x.select(dim: a.dim!, index: a.index!)]
  case "diagonal": return [x.diagonal(offset: a.offset!, dim1: a.dim1!, dim2: a.dim2!)]
  case "cat": return [Tensor.cat(xs, dim: a.dim!)]
  case "stack": return [Tensor.stack(xs, dim: a.dim!)]
  case "split": return x.split(a.size!, dim: a.dim!)
  case "splitSizes": return x.split(a.sizes!, dim: a.dim!)
  case "chunk": return x.chunk(a.chunks!, dim: a.dim!)
  case "unbind": return x.unbind(dim: a.dim!)
  case "repeat": return [x.repeat(a.repeats!)]
  case "tile": return [x.tile(a.repeats!)]
  case "repeatInterleave": return [x.repeatInterleave(a.repeats![0], dim: a.dim)]
  case "flip": return [x.flip(a.dims!)]
  case "roll": return [x.roll(a.shifts!, dims: a.dims!)]
  case "tril": return [x.tril(diagonal: a.diagonal!)]
  case "triu": return [x.triu(diagonal: a.diagonal!)]
  case "pad":
    let mode = PadMode(rawValue: a.mode!)!
    // The transposed-input case pads a 3-D view of the matrix, as the fixture does.
    if x.rank == 2 && mode != .constant && a.pad!.count == 4 {
      return [x.unsqueeze(0).pad(a.pad!, mode: mode).squeeze(0)]
    }
    return [x.pad(a.pad!, mode: mode)]
  case "matmul": return [x.matmul(xs[1])]
  case "index": return [x[.slice(a.start!, nil, step: a.step!), a.index!]]
  default: preconditionFailure("unknown fixture op \(op)")
  }
}

/// A float64 input of `shape` that requires a gradient (seeded, so failures reproduce).
private func input(_ shape: [Int], seed: UInt64 = 7) -> Tensor {
  Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed), requiresGrad: true)
}

/// Runs `gradcheck` and reports a failure as a test issue.
private func check(
  _ function: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor], _ comment: Comment,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(throws: Never.self, comment, sourceLocation: sourceLocation) { try gradcheck(function, inputs) }
}

/// Checks second derivatives of `function` squared, so the second backward runs through the
/// rule's own recorded ops (a linear op's gradient alone does not depend on its input).
///
/// This is `gradgradcheck` done by hand: gradcheck of the first gradients taken with
/// `createGraph`, inside `enableGrad` because gradcheck's finite differences run under `noGrad`
/// (where `gradgradcheck`'s own inner `grad` call stops: "does not require grad").
private func checkSecond(
  _ function: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor], _ comment: Comment,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let probe = noGrad { function(inputs) }
  let weights = Tensor.randn(probe.shape, dtype: .float64, generator: Generator(seed: 3))
  let firstGradients: ([Tensor]) -> Tensor = { xs in
    enableGrad {
      let out = function(xs).pow(2)
      let grads = grad(outputs: [out], inputs: xs, gradOutputs: [weights], createGraph: true, allowUnused: true)
      return Tensor.cat(zip(xs, grads).map { x, g in (g ?? Tensor.zerosLike(x)).reshape([-1]) }, dim: 0)
    }
  }
  #expect(throws: Never.self, comment, sourceLocation: sourceLocation) { try gradcheck(firstGradients, inputs) }
}

/// The pieces of a multi-output op joined into one output for the checks.
private func joined(_ pieces: [Tensor]) -> Tensor {
  Tensor.cat(pieces.enumerated().map { i, p in p.reshape([-1]) * Double(i + 1) }, dim: 0)
}

/// Whether the other families' rules that these ops' second derivatives go through are here
/// (the engine's broadcast reduction records `sum(dims:)`; non-constant pads use `indexAdd`).
private let hasSumRule = GradientRules.hasRule("SumBackward1")
private let hasIndexAddRule =
  GradientRules.hasRule("IndexAddBackward0") && GradientRules.hasRule("IndexSelectBackward0")

@Suite("Gradients of views and shape ops")
struct ShapeGradTests {
  @Test("every fixture case matches PyTorch's gradients and grad_fn name")
  func fixtures() throws {
    let fixture = try loadFixture("grad_shape.json", as: ShapeGradFixture.self)
    #expect(fixture.cases.count > 60)
    // Kindling's reshape of a non-viewable input is clone + view; PyTorch records _unsafe_view.
    let renamed: [String: String] = ["reshape of a transposed input copies": "ViewBackward0"]
    for c in fixture.cases {
      let leaves = c.inputs.map { input -> Tensor in
        let t = input.tensor.tensor
        t.requiresGrad = true
        return t
      }
      let seen = zip(leaves, c.inputs).map { leaf, input in input.transposed ? leaf.mT : leaf }
      let outputs = run(c.op, c.args, seen)
      #expect(outputs.count == c.grads.count, "\(c.name)")
      #expect(outputs[0].gradFn?.name == (renamed[c.name] ?? c.gradFn), "\(c.name)")
      let grads = grad(outputs: outputs, inputs: leaves, gradOutputs: c.grads.map(\.tensor), allowUnused: true)
      for (i, g) in grads.enumerated() {
        expectMatches(g ?? Tensor.zerosLike(leaves[i]), c.expected[i], "\(c.name), input \(i)")
      }
    }
  }

  @Test("views pass gradcheck")
  func viewsGradcheck() {
    let x = input([2, 3, 2])
    check({ $0[0].view([3, 4]) }, [x], "view")
    check({ $0[0].mT.reshape([12]) }, [x], "reshape of a non-contiguous view")
    check({ $0[0].permute([2, 0, 1]) }, [x], "permute")
    check({ $0[0].transpose(0, 2) }, [x], "transpose")
    check({ $0[0].select(dim: 2, index: 0).t() }, [x], "t")
    check({ $0[0].narrow(dim: 1, start: 1, length: 1).expand([3, 2, 4, 2]) }, [x], "expand")
    check({ $0[0].unsqueeze(1).squeeze() }, [x], "squeeze")
    check({ $0[0].unsqueeze(0).squeeze(0).unsqueeze(-1) }, [x], "squeeze(dim), unsqueeze")
    check({ $0[0][.all, .slice(0, nil, step: 2), 1] }, [x], "slice with a step, select")
    check({ $0[0].diagonal(offset: 1, dim1: 2, dim2: 1) }, [x], "diagonal")
    check({ $0[0].diagonal(offset: -1, dim1: 0, dim2: 1) }, [x], "diagonal below")
    let v = input([3])
    let m = input([3, 2], seed: 8)
    check({ $0[0].matmul($0[1]) }, [v, m], "vector @ matrix (SqueezeBackward4)")
    check({ $0[0].matmul($0[1].narrow(dim: 0, start: 0, length: 2)) }, [x, m], "folded matmul (UnsafeViewBackward0)")
  }

  @Test("joins, splits, repeats and reorders pass gradcheck")
  func shapeOpsGradcheck() {
    let a = input([2, 3]), b = input([1, 3], seed: 8), x = input([3, 4], seed: 9)
    check({ Tensor.cat([$0[0], $0[1]], dim: 0) }, [a, b], "cat")
    check({ Tensor.cat([$0[0], $0[1].flip(0)], dim: 1) }, [a, a], "cat of one tensor twice")
    check({ Tensor.stack([$0[0], $0[0].flip(1)], dim: 2) }, [a], "stack")
    check({ joined($0[0].split(3, dim: 1)) }, [x], "split")
    check({ joined($0[0].split([1, 0, 2], dim: 0)) }, [x], "split with sizes")
    check({ joined($0[0].chunk(3, dim: 1)) }, [x], "chunk")
    check({ joined($0[0].unbind(dim: 1)) }, [x], "unbind")
    check({ $0[0].repeat([2, 1, 2]) }, [a], "repeat")
    check({ $0[0].repeatInterleave(2, dim: 0) }, [a], "repeat_interleave")
    check({ $0[0].flip([0, 1]) }, [a], "flip")
    check({ $0[0].roll([1, -2], dims: [0, 1]) }, [x], "roll")
    check({ $0[0].t().roll(5) }, [x], "roll flat")
    check({ $0[0].tril(diagonal: 1) }, [x], "tril")
    check({ $0[0].triu(diagonal: -1) }, [x], "triu")
  }

  @Test("every padding mode passes gradcheck")
  func padGradcheck() {
    let x = input([1, 3, 4])
    check({ $0[0].pad([1, 2, -1, 1], value: 3) }, [x], "constant")
    check({ $0[0].pad([2, 3], mode: .reflect) }, [x], "reflect 1-D")
    check({ $0[0].pad([-1, 2, 2, 1], mode: .reflect) }, [x], "reflect 2-D with a crop")
    check({ $0[0].unsqueeze(0).pad([1, 0, 2, 2, 0, 0], mode: .reflect) }, [x], "reflect 3-D")
    check({ $0[0].pad([3, 1, 0, 2], mode: .replicate) }, [x], "replicate")
    check({ $0[0].unsqueeze(0).pad([1, 1, 1, 0, 1, 1], mode: .replicate) }, [x], "replicate 3-D")
    check({ $0[0].pad([4, 3, 1, 2], mode: .circular) }, [x], "circular")
  }

  @Test("views and shape ops have second derivatives")
  func secondDerivatives() {
    let x = input([2, 3, 2]), a = input([2, 3], seed: 8), m = input([3, 4], seed: 9)
    checkSecond({ $0[0].view([3, 4]) }, [x], "view")
    checkSecond({ $0[0].permute([2, 0, 1]).transpose(0, 1) }, [x], "permute, transpose")
    checkSecond({ $0[0].t().unsqueeze(1).squeeze() }, [a], "t, squeeze, unsqueeze")
    checkSecond({ $0[0][.all, .slice(1, nil, step: 2), 0] }, [x], "slice, select")
    checkSecond({ $0[0].diagonal(offset: 1, dim1: 0, dim2: 2) }, [x], "diagonal")
    checkSecond({ Tensor.cat([$0[0], $0[1].t()], dim: 1) }, [a, input([2, 2], seed: 10)], "cat")
    checkSecond({ Tensor.stack([$0[0], $0[0]], dim: 0) }, [a], "stack")
    checkSecond({ joined($0[0].split([1, 3], dim: 1) + $0[0].unbind(dim: 0)) }, [m], "split, unbind")
    checkSecond({ $0[0].flip([1]).roll(2, dim: 1) }, [m], "flip, roll")
    checkSecond({ $0[0].tril().triu(diagonal: -1) }, [m], "tril, triu")
    checkSecond({ $0[0].pad([1, -1, 2, 0], value: 5) }, [m], "constant pad")
  }

  @Test("expand and repeat have second derivatives", .enabled(if: hasSumRule))
  func secondDerivativesThroughSums() {
    let a = input([2, 1])
    checkSecond({ $0[0].expand([3, 2, 2]) }, [a], "expand")
    checkSecond({ $0[0].repeat([2, 3]) }, [a], "repeat")
  }

  @Test("reflection, replication and circular pads have second derivatives", .enabled(if: hasIndexAddRule))
  func secondDerivativesOfPads() {
    let x = input([1, 2, 3])
    checkSecond({ $0[0].pad([2, 1], mode: .reflect) }, [x], "reflect")
    checkSecond({ $0[0].pad([1, 2, 1, 0], mode: .replicate) }, [x], "replicate")
    checkSecond({ $0[0].pad([2, 3], mode: .circular) }, [x], "circular")
  }

  @Test("gradients of several pieces of one tensor add up in it")
  func piecesAccumulate() {
    let x = Tensor([[1.0, 2, 3], [4, 5, 6]], requiresGrad: true)
    let pieces = x.unbind(dim: 1)
    let halves = x.split(2, dim: 1)
    ((pieces[0] * 2 + pieces[2] * 3).sum() + (halves[1] * 5).sum()).backward()
    #expect(x.grad!.doubles == [2, 0, 8, 2, 0, 8])
  }

  @Test("a tensor used twice in cat and stack gets both gradients")
  func usedTwice() {
    let x = Tensor([1.0, 2], requiresGrad: true)
    Tensor.cat([x, x * 3], dim: 0).sum().backward()
    #expect(x.grad!.doubles == [4, 4])
    let y = Tensor([1.0, 2], requiresGrad: true)
    (Tensor.stack([y, y.flip(0)], dim: 1) * Tensor([[1.0, 10], [100, 1000]])).sum().backward()
    #expect(y.grad!.doubles == [1001, 110])
  }

  @Test("a slice's gradient is zero outside the slice, and a pad's gradient crops")
  func sliceAndPad() {
    let x = Tensor([1.0, 2, 3, 4, 5], requiresGrad: true)
    x[.slice(1, nil, step: 2)].backward(gradient: Tensor([7.0, 8]))
    #expect(x.grad!.doubles == [0, 7, 0, 8, 0])
    let y = Tensor([[1.0, 2], [3, 4]], requiresGrad: true)
    y.pad([1, 1, -1, 0]).backward(gradient: Tensor([[1.0, 2, 3, 4]]))
    #expect(y.grad!.doubles == [0, 0, 2, 3])
    let z = Tensor([1.0, 2, 3], requiresGrad: true)
    z.unsqueeze(0).pad([0, 2], mode: .replicate).backward(gradient: Tensor([[1.0, 1, 1, 1, 1]]))
    #expect(z.grad!.doubles == [1, 1, 3])
  }
}
