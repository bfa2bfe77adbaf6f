import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// One case of `Fixtures/tensor_shape.json`: an op, its inputs, arguments and PyTorch's outputs.
private struct ShapeCase: Decodable, CustomStringConvertible {
  struct Input: Decodable {
    let tensor: FixtureTensor
    let transposed: Bool
    /// The tensor the op sees: the stored one, transposed back when the case asks.
    var value: Tensor { transposed ? tensor.tensor.mT : tensor.tensor }
  }

  struct Arguments: Decodable {
    let dim: Int?, size: Int?, sizes: [Int]?, chunks: Int?, value: Double?, repeats: IntOrList?
    let dims: [Int]?, shifts: [Int]?, diagonal: Int?, pad: [Int]?, mode: String?, descending: Bool?
    let k: Int?, largest: Bool?, keepDim: Bool?, minlength: Int?, numClasses: Int?, right: Bool?
  }

  /// `repeats`: a count or a list.
  enum IntOrList: Decodable {
    case one(Int), list([Int])
    init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let n = try? c.decode(Int.self) { self = .one(n) } else { self = .list(try c.decode([Int].self)) }
    }
  }

  let op: String
  let inputs: [Input]
  let args: Arguments
  let outputs: [FixtureTensor]

  var description: String { "\(op) \(inputs.map { "\($0.tensor.dtype)\($0.tensor.shape)\($0.transposed ? "ᵀ" : "")" }) " }

  /// Runs the op in Kindling.
  func run() -> [Tensor] {
    let x = inputs[0].value
    let other = inputs.count > 1 ? inputs[1].value : x
    let a = args
    switch op {
    case "cat": return [Tensor.cat(inputs.map(\.value), dim: a.dim!)]
    case "stack": return [Tensor.stack(inputs.map(\.value), dim: a.dim!)]
    case "split": return x.split(a.size!, dim: a.dim!)
    case "splitSizes": return x.split(a.sizes!, dim: a.dim!)
    case "chunk": return x.chunk(a.chunks!, dim: a.dim!)
    case "unbind": return x.unbind(dim: a.dim!)
    case "indexSelect": return [x.indexSelect(dim: a.dim!, index: other)]
    case "gather": return [x.gather(dim: a.dim!, index: other)]
    case "scatter": return [x.scatter(dim: a.dim!, index: other, src: inputs[2].value)]
    case "scatterValue": return [x.scatter(dim: a.dim!, index: other, value: a.value!)]
    case "scatterAdd": return [x.scatterAdd(dim: a.dim!, index: other, src: inputs[2].value)]
    case "indexAdd": return [x.indexAdd(dim: a.dim!, index: other, source: inputs[2].value)]
    case "take": return [x.take(other)]
    case "maskedSelect": return [x.maskedSelect(other)]
    case "nonzero": return [x.nonzero()]
    case "repeat": if case .list(let r) = a.repeats! { return [x.repeat(r)] }
    case "tile": if case .list(let r) = a.repeats! { return [x.tile(r)] }
    case "repeatInterleave": if case .one(let r) = a.repeats! { return [x.repeatInterleave(r, dim: a.dim)] }
    case "repeatInterleaveTensor": return [x.repeatInterleave(other, dim: a.dim)]
    case "flip": return [x.flip(a.dims!)]
    case "roll": return [x.roll(a.shifts!, dims: a.dims!)]
    case "tril": return [x.tril(diagonal: a.diagonal!)]
    case "triu": return [x.triu(diagonal: a.diagonal!)]
    case "pad": return [x.pad(a.pad!, mode: PadMode(rawValue: a.mode!)!, value: a.value ?? 0)]
    case "sort":
      let (v, i) = x.sort(dim: a.dim!, descending: a.descending!)
      return [v, i]
    case "topk":
      let (v, i) = x.topk(a.k!, dim: a.dim!, largest: a.largest!)
      return [v, i]
    case "kthvalue":
      let (v, i) = x.kthvalue(a.k!, dim: a.dim!, keepDim: a.keepDim!)
      return [v, i]
    case "unique":
      let u = x.unique(returnInverse: true, returnCounts: true)
      return [u.values, u.inverse!, u.counts!]
    case "bincount": return [x.bincount(minlength: a.minlength!)]
    case "bincountWeights": return [x.bincount(weights: other, minlength: a.minlength!)]
    case "oneHot": return [x.oneHot(numClasses: a.numClasses!)]
    case "searchsorted": return [x.searchsorted(other, right: a.right!)]
    default: break
    }
    Issue.record("unknown op \(op)")
    return []
  }
}

private struct ShapeFixture: Decodable {
  let cases: [ShapeCase]
}

@Suite("Shape and data-movement ops")
struct ShapeOpsTests {
  @Test("every op matches PyTorch for every dtype, transposed inputs, empty and 0-d tensors")
  func fixtures() throws {
    let fixture = try loadFixture("tensor_shape.json", as: ShapeFixture.self)
    #expect(fixture.cases.count > 500)
    for c in fixture.cases {
      let results = c.run()
      #expect(results.count == c.outputs.count, "\(c)")
      for (result, expected) in zip(results, c.outputs) {
        expectMatches(result, expected, "\(c)")
      }
    }
  }

  @Test("the tour's spellings give PyTorch's values")
  func tour() {
    let a = Tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    let b = a + 12
    #expect(Tensor.cat([a, b], dim: 0).shape == [6, 4])
    #expect(Tensor.cat([a, b], dim: 1).scalars(as: Int64.self)[4...7] == [13, 14, 15, 16])
    #expect(Tensor.stack([a, b]).shape == [2, 3, 4])
    let r = Tensor.zeros([17, 4])
    #expect(r.split(4, dim: 0).map(\.shape) == [[4, 4], [4, 4], [4, 4], [4, 4], [1, 4]])
    #expect(r.chunk(4, dim: 0).map(\.shape) == [[5, 4], [5, 4], [5, 4], [2, 4]])
    #expect(a.indexSelect(dim: 0, index: Tensor([2, 0])).scalars(as: Int64.self) == [9, 10, 11, 12, 1, 2, 3, 4])
    let x = Tensor([
      [[11, 21, 23], [15, 8, 18], [16, 17, 3]], [[7, 1, 24], [4, 12, 9], [26, 25, 19]],
      [[10, 5, 20], [0, 2, 6], [22, 14, 13]],
    ])
    let (tv, ti) = x.topk(1, dim: -1)
    #expect(tv.shape == [3, 3, 1] && ti.dtype == .int64)
    #expect(ti.scalars(as: Int64.self) == [2, 2, 1, 2, 1, 0, 2, 2, 0])
    let (sv, si) = x.sort(dim: -1, descending: true)
    #expect(si.select(dim: 0, index: 0).scalars(as: Int64.self) == [2, 1, 0, 2, 0, 1, 1, 0, 2])
    #expect(sv.select(dim: 0, index: 0).scalars(as: Int64.self) == [23, 21, 11, 18, 15, 8, 17, 16, 3])
    #expect(Tensor([1, 2]).repeat(2, 2).shape == [2, 4])
    #expect(Tensor([[1, 2]]).pad([1, 1], value: 9).scalars(as: Int64.self) == [9, 1, 2, 9])
  }

  @Test("cat stops with PyTorch's message for mismatched shapes")
  func catMismatch() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.cat([Tensor.zeros([3, 3]), Tensor.zeros([2, 2])], dim: 1)
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains(
      "Sizes of tensors must match except in dimension 1. Expected size 3 but got size 2 for tensor number 1 in the list."))
  }

  @Test("an out-of-range index in indexSelect stops with PyTorch's message")
  func indexOutOfRange() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([3, 4]).indexSelect(dim: 0, index: Tensor([3]))
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains("index out of range in self"))
  }

  @Test("a batch gather of rows large enough to split across cores copies each row to its place")
  func largeRowGather() {
    let source = Tensor.arange(0, 2000 * 784, dtype: .float32).view(2000, 784)
    let rows: [Int64] = (0..<64).map { Int64(($0 * 797) % 2000) }
    let gathered = source.indexSelect(dim: 0, index: Tensor(rows))
    #expect(gathered.shape == [64, 784])
    let values = gathered.scalars(as: Float.self)
    for (i, row) in rows.enumerated() {
      #expect(values[i * 784] == Float(Int(row) * 784) && values[i * 784 + 783] == Float(Int(row) * 784 + 783))
    }
  }
}
