import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// `print` into a string, so a test can compare a section's whole output with the tour's.
struct Transcript {
  private(set) var lines: [String] = []
  mutating func print(_ items: Any...) { lines.append(items.map { "\($0)" }.joined(separator: " ")) }
  var text: String { lines.joined(separator: "\n") }
}

/// ../shared/SEED_TOUR.md, sections T1–T11: the tensor layer's acceptance contract. Each test
/// runs a section's code as written there and compares everything it prints with PyTorch's
/// output, character for character.
@Suite("Seed tour: tensors (T1–T11)", .isolatedRandomness)
struct SeedTourTensorTests {
  @Test("T1 devices and attributes")
  func t1() {
    var out = Transcript()
    let x = Tensor([[1, 2], [3, 4]])
    out.print(x.isCUDA)
    do {
      // Succeeds only on a machine with an NVIDIA GPU and KindlingGPU linked.
      #expect(try x.to(.cuda).isCUDA)
    } catch {
      #expect("\(error)".contains("cuda:0"))
    }
    manualSeed(0)
    let t = Tensor.rand([3, 4])
    out.print(t)
    out.print(t.shape, t.dtype, t.device)
    #expect(
      out.text == """
        false
        tensor([[0.4963, 0.7682, 0.0885, 0.1320],
                [0.3074, 0.6341, 0.4901, 0.8964],
                [0.4556, 0.6323, 0.3489, 0.4017]])
        [3, 4] float32 cpu
        """)
  }

  @Test("T2 creation")
  func t2() {
    var out = Transcript()
    out.print(Tensor([[1, 2], [3, 4]]))
    let c = (Tensor([5]) + Tensor([7])).scalars(as: Int64.self)
    out.print(Tensor(c.map { $0 * 10 }))
    let x = Tensor([[5, 7], [1, 2]])
    out.print(Tensor.onesLike(x))
    manualSeed(0)
    out.print(Tensor.randLike(x, dtype: .float32))
    #expect(
      out.text == """
        tensor([[1, 2],
                [3, 4]])
        tensor([120])
        tensor([[1, 1],
                [1, 1]])
        tensor([[0.4963, 0.7682],
                [0.0885, 0.1320]])
        """)
  }

  @Test("T3 indexing and slicing")
  func t3() {
    var out = Transcript()
    let t = Tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    out.print(t[0]); out.print(t[.all, 0]); out.print(t[.ellipsis, -1])
    let t1 = Tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    out.print(t1[.all, 0]); out.print(t1[.all, .range(1..<3, step: 2)]); out.print(t1[0, 1..<3])
    let t3 = Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    out.print(t3[0, .all, 0]); out.print(t3[-1])
    out.print(t3[1..<3, .all, .all].shape, t3[.all, 1, .all].shape, t3[.all, ..<(-1), .all].shape)
    #expect(
      out.text == """
        tensor([1, 2, 3, 4])
        tensor([1, 5, 9])
        tensor([ 4,  8, 12])
        tensor([1, 5])
        tensor([[2],
                [6]])
        tensor([2, 3])
        tensor([1, 3])
        tensor([[ 9, 10],
                [11, 12]])
        [2, 2, 2] [3, 2] [3, 1, 2]
        """)
  }

  @Test("T4 cat, stack, split, chunk, indexSelect")
  func t4() {
    var out = Transcript()
    let a = Tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]); let b = a + 12
    let t3 = Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    out.print(Tensor.cat([a, b], dim: 0)); out.print(Tensor.cat([a, b], dim: 1)); out.print(Tensor.stack([a, b]))
    let r = Tensor.rand([17, 4])
    out.print(r.split(4, dim: 0).map(\.shape)); out.print(r.chunk(4, dim: 0).map(\.shape))
    out.print(t3.indexSelect(dim: 0, index: Tensor([2, 0])))
    #expect(
      out.text == """
        tensor([[ 1,  2,  3,  4],
                [ 5,  6,  7,  8],
                [ 9, 10, 11, 12],
                [13, 14, 15, 16],
                [17, 18, 19, 20],
                [21, 22, 23, 24]])
        tensor([[ 1,  2,  3,  4, 13, 14, 15, 16],
                [ 5,  6,  7,  8, 17, 18, 19, 20],
                [ 9, 10, 11, 12, 21, 22, 23, 24]])
        tensor([[[ 1,  2,  3,  4],
                 [ 5,  6,  7,  8],
                 [ 9, 10, 11, 12]],

                [[13, 14, 15, 16],
                 [17, 18, 19, 20],
                 [21, 22, 23, 24]]])
        [[4, 4], [4, 4], [4, 4], [4, 4], [1, 4]]
        [[5, 4], [5, 4], [5, 4], [2, 4]]
        tensor([[[ 9, 10],
                 [11, 12]],

                [[ 1,  2],
                 [ 3,  4]]])
        """)
  }

  @Test("T5 data types and promotion")
  func t5() {
    var out = Transcript()
    let i = Tensor([2], dtype: .int32); let f = Tensor([5.0])
    out.print(i.dtype, f.dtype); out.print(i + f, (i + f).dtype); out.print(i + f.to(.int32))
    out.print(Tensor([[1, 2], [3, 4]]) / Tensor([[2, 2], [3, 3]]))
    #expect(
      out.text == """
        int32 float32
        tensor([7.]) float32
        tensor([7], dtype=torch.int32)
        tensor([[0.5000, 1.0000],
                [1.0000, 1.3333]])
        """)
  }

  @Test("T6 views share storage")
  func t6() {
    var out = Transcript()
    let v1 = Tensor([1, 2, 3, 4, 5, 6, 7, 8]); let v2 = v1.view(4, 2)
    v1[0] = 7; out.print(v2)
    let v3 = v1.clone().view(4, 2); v1[0] = 20; out.print(v3); out.print(v1.view(-1, 4))
    out.print(Tensor.arange(8).view(2, 4).t().reshape(4, 2))
    #expect(
      out.text == """
        tensor([[7, 2],
                [3, 4],
                [5, 6],
                [7, 8]])
        tensor([[7, 2],
                [3, 4],
                [5, 6],
                [7, 8]])
        tensor([[20,  2,  3,  4],
                [ 5,  6,  7,  8]])
        tensor([[0, 4],
                [1, 5],
                [2, 6],
                [3, 7]])
        """)
  }

  @Test("T7 arithmetic and comparison")
  func t7() {
    var out = Transcript()
    let a = Tensor([[1, 2], [3, 4]]), b = Tensor([[2, 2], [3, 3]])
    out.print(a + b); out.print(a - b); out.print(a * b); out.print(a / b); out.print(a .== b); out.print(a .!= b)
    out.print(a.pow(b))
    #expect(
      out.text == """
        tensor([[3, 4],
                [6, 7]])
        tensor([[-1,  0],
                [ 0,  1]])
        tensor([[ 2,  4],
                [ 9, 12]])
        tensor([[0.5000, 1.0000],
                [1.0000, 1.3333]])
        tensor([[False,  True],
                [ True, False]])
        tensor([[ True, False],
                [False,  True]])
        tensor([[ 1,  4],
                [27, 64]])
        """)
  }

  @Test("T8 in-place operations")
  func t8() {
    var out = Transcript()
    var a = Tensor([[1, 2], [3, 4]]); let b = Tensor([[2, 2], [3, 3]])
    let view = a.view(4)
    out.print(a.mul(b)); out.print(a)
    a *= b
    out.print(a)
    #expect(view.scalars(as: Int64.self) == [2, 4, 9, 12])  // every view sees it
    #expect(
      out.text == """
        tensor([[ 2,  4],
                [ 9, 12]])
        tensor([[1, 2],
                [3, 4]])
        tensor([[ 2,  4],
                [ 9, 12]])
        """)
  }

  @Test("T9 reductions")
  func t9() {
    var out = Transcript()
    let m = Tensor([[1, 2], [3, 4]], dtype: .float32)
    out.print(m.sum(), m.mean()); out.print(m.sum(dim: 0), m.sum(dim: 1)); out.print(m.mean(dim: 0), m.mean(dim: 1))
    #expect(
      out.text == """
        tensor(10.) tensor(2.5000)
        tensor([4., 6.]) tensor([3., 7.])
        tensor([2., 3.]) tensor([1.5000, 3.5000])
        """)
  }

  @Test("T10 broadcasting")
  func t10() {
    var out = Transcript()
    out.print(Tensor([[1, 2], [3, 4]]) + 10)
    out.print(Tensor([[1, 2], [3, 4]]) + Tensor([10, 20]))
    out.print(Tensor([[1, 2], [3, 4]]) + Tensor([[10], [20]]))
    out.print(Tensor([[1, 2]]) + Tensor([[10], [20]]))
    let t3 = Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    out.print(t3 + Tensor([[100], [300]]))
    #expect(
      out.text == """
        tensor([[11, 12],
                [13, 14]])
        tensor([[11, 22],
                [13, 24]])
        tensor([[11, 12],
                [23, 24]])
        tensor([[11, 12],
                [21, 22]])
        tensor([[[101, 102],
                 [303, 304]],

                [[105, 106],
                 [307, 308]],

                [[109, 110],
                 [311, 312]]])
        """)
  }

  @Test("T11 expand, randperm, argmax, topk, sort, squeeze, unsqueeze")
  func t11() {
    var out = Transcript()
    out.print(Tensor([[[1, 2]], [[3, 4]]]).expand(2, 3, 2))
    manualSeed(0); out.print(Tensor.randperm(10))
    let x = Tensor([
      [[11, 21, 23], [15, 8, 18], [16, 17, 3]], [[7, 1, 24], [4, 12, 9], [26, 25, 19]],
      [[10, 5, 20], [0, 2, 6], [22, 14, 13]],
    ])
    out.print(x.argmax(dim: -1)); out.print(x.argmax(dim: 1))
    let (tv, ti) = x.topk(1, dim: -1); out.print(tv.squeeze(-1)); out.print(ti.squeeze(-1))
    let (sv, si) = x.sort(dim: -1, descending: true); out.print(sv[0]); out.print(si[0])
    let s = Tensor([[[1, 2], [3, 4]]]); out.print(s.squeeze().shape, s.squeeze(0).shape, s.squeeze(1).shape)
    let u = Tensor([[1, 2], [3, 4]]); out.print(u.unsqueeze(0).shape, u.unsqueeze(1).shape)
    #expect(
      out.text == """
        tensor([[[1, 2],
                 [1, 2],
                 [1, 2]],

                [[3, 4],
                 [3, 4],
                 [3, 4]]])
        tensor([4, 1, 7, 5, 3, 9, 0, 8, 6, 2])
        tensor([[2, 2, 1],
                [2, 1, 0],
                [2, 2, 0]])
        tensor([[2, 0, 0],
                [2, 2, 0],
                [2, 2, 0]])
        tensor([[23, 18, 17],
                [24, 12, 26],
                [20,  6, 22]])
        tensor([[2, 2, 1],
                [2, 1, 0],
                [2, 2, 0]])
        tensor([[23, 21, 11],
                [18, 15,  8],
                [17, 16,  3]])
        tensor([[2, 1, 0],
                [2, 0, 1],
                [1, 0, 2]])
        [2, 2] [2, 2] [1, 2, 2]
        [1, 2, 2] [2, 1, 2]
        """)
  }
}
