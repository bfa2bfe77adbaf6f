import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// `Fixtures/reduction.json`, written by `Tools/fixtures/tensor_reduction.py`.
private struct ReductionFixture: Decodable {
  struct Input: Decodable {
    let name: String
    let tensor: FixtureTensor
    let transpose: [Int]?

    /// The tensor the op sees: the stored one, transposed (a non-contiguous view) when asked.
    var view: Tensor {
      let t = tensor.tensor
      guard let transpose else { return t }
      return t.transpose(transpose[0], transpose[1])
    }
  }

  struct Args: Decodable {
    let dims: [Int]?
    let dim: Int?
    let keepdim: Bool?
    let dtype: String?
    let correction: Int?
    let p: FixtureNumber?
  }

  struct Case: Decodable {
    let op: String
    let input: Int
    let args: Args
    let expected: FixtureTensor
    let indices: FixtureTensor?
  }

  struct Large: Decodable {
    let sum, mean, sum0, std, norm: FixtureTensor
  }

  let large: Large
  let gradFns: [String: String]
  let inputs: [Input]
  let cases: [Case]
}

private let fixture = Result { try loadFixture("reduction.json", as: ReductionFixture.self) }

/// Runs a fixture case's op through Kindling's Swift API: the result and, for max/min with a
/// dimension, the indices.
private func apply(_ op: String, _ a: ReductionFixture.Args, to x: Tensor) -> (Tensor, Tensor?) {
  let keep = a.keepdim ?? false
  let dtype = a.dtype.map { DType(pytorchName: $0)! }
  switch op {
  case "sum":
    guard let dims = a.dims else { return (x.sum(dtype: dtype), nil) }
    let out =
      dims.count == 1
      ? x.sum(dim: dims[0], keepDim: keep, dtype: dtype) : x.sum(dims: dims, keepDim: keep, dtype: dtype)
    return (out, nil)
  case "mean":
    guard let dims = a.dims else { return (x.mean(dtype: dtype), nil) }
    let out =
      dims.count == 1
      ? x.mean(dim: dims[0], keepDim: keep, dtype: dtype) : x.mean(dims: dims, keepDim: keep, dtype: dtype)
    return (out, nil)
  case "prod": return (a.dim.map { x.prod(dim: $0, keepDim: keep) } ?? x.prod(), nil)
  case "max", "min":
    guard let dim = a.dim else { return (op == "max" ? x.max() : x.min(), nil) }
    let (values, indices) = op == "max" ? x.max(dim: dim, keepDim: keep) : x.min(dim: dim, keepDim: keep)
    return (values, indices)
  case "argmax": return (x.argmax(dim: a.dim, keepDim: keep), nil)
  case "argmin": return (x.argmin(dim: a.dim, keepDim: keep), nil)
  case "amax": return (x.amax(dims: a.dims!, keepDim: keep), nil)
  case "amin":
    let dims = a.dims!
    return (dims.count == 1 ? x.amin(dim: dims[0], keepDim: keep) : x.amin(dims: dims, keepDim: keep), nil)
  case "std": return (x.std(dims: a.dims!, correction: a.correction!, keepDim: keep), nil)
  case "var": return (x.variance(dims: a.dims!, correction: a.correction!, keepDim: keep), nil)
  case "norm":
    let p = a.p!.value
    return (a.dims!.isEmpty && !keep ? x.norm(p: p) : x.norm(p: p, dims: a.dims!, keepDim: keep), nil)
  case "logsumexp": return (x.logsumexp(dims: a.dims!, keepDim: keep), nil)
  case "all": return (a.dim.map { x.all(dim: $0, keepDim: keep) } ?? x.all(), nil)
  case "any": return (a.dim.map { x.any(dim: $0, keepDim: keep) } ?? x.any(), nil)
  case "count_nonzero": return (x.countNonzero(dims: a.dims!), nil)
  case "cumsum": return (x.cumsum(dim: a.dim!, dtype: dtype), nil)
  case "cumprod": return (x.cumprod(dim: a.dim!, dtype: dtype), nil)
  case "softmax": return (x.softmax(dim: a.dim!), nil)
  case "log_softmax": return (x.logSoftmax(dim: a.dim!), nil)
  default: fatalError("unknown op \(op)")
  }
}

@Suite("Reductions")
struct ReductionTests {
  @Test(
    "every reduction, scan and softmax matches PyTorch across dtypes, shapes, dims and layouts",
    arguments: [
      "sum", "mean", "prod", "max", "min", "argmax", "argmin", "amax", "amin", "std", "var", "norm", "logsumexp",
      "all", "any", "count_nonzero", "cumsum", "cumprod", "softmax", "log_softmax",
    ])
  func matchesPyTorch(op: String) throws {
    let fixture = try fixture.get()
    let cases = fixture.cases.filter { $0.op == op }
    #expect(!cases.isEmpty)
    for c in cases {
      let input = fixture.inputs[c.input]
      let (result, indices) = apply(op, c.args, to: input.view)
      let note = Comment(rawValue: "\(op) of \(input.name) with \(c.args)")
      // Kindling accumulates float16 in float and float32 in double; allow float16 rounding.
      let tolerance: Double? = c.expected.kindlingDType == .float16 ? 2e-3 : nil
      expectMatches(result, c.expected, relativeTolerance: tolerance, absoluteTolerance: 1e-5, note)
      if let expectedIndices = c.indices {
        #expect(indices != nil, note)
        if let indices { expectMatches(indices, expectedIndices, note) }
      }
    }
  }

  @Test("a million float32 values sum and average to PyTorch's within 1e-5")
  func largeSums() throws {
    let large = try fixture.get().large
    let x = Tensor.arange(0, 1_000_000, dtype: .float32).view(1000, 1000) * 1e-6
    expectMatches(x.sum(), large.sum, relativeTolerance: 1e-5)
    expectMatches(x.mean(), large.mean, relativeTolerance: 1e-5)
    expectMatches(x.sum(dim: 0), large.sum0, relativeTolerance: 1e-5)
    expectMatches(x.t().sum(dim: 1), large.sum0, relativeTolerance: 1e-5)
    expectMatches(x.std(), large.std, relativeTolerance: 1e-5)
    expectMatches(x.norm(), large.norm, relativeTolerance: 1e-5)
    let means = x.mean(dim: 1).scalars(as: Double.self)
    let rowSums = x.sum(dim: 1, keepDim: true)
    #expect(rowSums.shape == [1000, 1])
    for (m, s) in zip(means, rowSums.scalars(as: Double.self)) { #expect(abs(m - s / 1000) <= 1e-6 * abs(m) + 1e-9) }
  }

  @Test("sum, mean, argmax, norm and all read as in the tour")
  func tourSpellings() {
    let m = Tensor([[1, 2], [3, 4]], dtype: .float32)
    #expect("\(m.sum())" == "tensor(10.)")
    #expect("\(m.mean())" == "tensor(2.5000)")
    #expect(m.sum(dim: 0).scalars(as: Float.self) == [4, 6])
    #expect(m.mean(dim: 1).scalars(as: Float.self) == [1.5, 3.5])
    let x = Tensor([[0.1, 0.7, 0.2], [0.5, 0.4, 0.1]])
    #expect(x.argmax(dim: -1).scalars(as: Int64.self) == [1, 0])
    #expect(x.argmax(dim: -1).dtype == .int64)
    let y = Tensor([3.0, -4.0])
    #expect(y.data.norm().item() == 5)
    let d = Tensor([[1, 2], [3, 4]])
    #expect((d .== d).all().item(as: Bool.self))
    #expect(!(d .== Tensor([[1, 2], [3, 5]])).all().item(as: Bool.self))
    #expect((d .== d).all().dtype == .bool)
  }

  @Test("sums of integers and bools are int64; uint8 all and any stay uint8")
  func resultTypes() {
    #expect(Tensor([1, 2], dtype: .int32).sum().dtype == .int64)
    #expect(Tensor([true, true, false]).sum().item(as: Int64.self) == 2)
    #expect(Tensor([true, false]).prod().dtype == .int64)
    #expect(Tensor([1, 2], dtype: .uint8).all().dtype == .uint8)
    #expect(Tensor([true, false]).max().item(as: Bool.self))
    #expect(Tensor.zeros([0, 3]).sum().item() == 0)
    #expect(Tensor.zeros([0, 3]).mean().item().isNaN)
  }

  @Test("ops record PyTorch's grad_fn names")
  func gradFnNames() throws {
    do {
      let names = try loadFixture("reduction.json", as: ReductionFixture.self).gradFns
      let g = Tensor.zeros([3, 4], requiresGrad: true)
      let ops: [(String, () -> Tensor)] = [
        ("sum", { g.sum() }), ("sum dim", { g.sum(dim: 0) }), ("mean", { g.mean() }), ("mean dim", { g.mean(dim: 1) }),
        ("prod", { g.prod() }), ("prod dim", { g.prod(dim: 0) }), ("max", { g.max() }),
        ("max dim", { g.max(dim: 0).values }),
        ("min dim", { g.min(dim: 0).values }), ("amax", { g.amax(dim: 0) }), ("amin", { g.amin(dim: 0) }),
        ("std", { g.std() }), ("var", { g.variance(dim: 0) }), ("norm", { g.norm() }),
        ("logsumexp", { g.logsumexp(dim: 0) }), ("cumsum", { g.cumsum(dim: 0) }), ("cumprod", { g.cumprod(dim: 0) }),
        ("softmax", { g.softmax(dim: 0) }), ("log_softmax", { g.logSoftmax(dim: 0) }),
      ]
      for (label, op) in ops {
        #expect(op().gradFn?.name == names[label], "\(label)")
      }
    }
  }

  @Test("reductions stop with PyTorch's messages")
  func errors() async {
    let maxEmpty = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([0, 3]).max()
    }
    let maxText = String(decoding: maxEmpty?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      maxText.contains(
        "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the "
          + "'dim' argument."))
    let meanInt = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([[1, 2], [3, 4]]).mean()
    }
    let meanText = String(decoding: meanInt?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      meanText.contains(
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
          + "Got: Long"))
  }
}
