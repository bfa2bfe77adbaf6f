import Testing

@testable import KindlingTensor

/// The reduction kernel's vector paths — the 16-lane contiguous sum and the row-by-row sum over
/// leading dimensions — checked against sums taken one element at a time in `Double`, at
/// lengths around the lane count and on layouts that take and that miss each path.
@Suite("Reduction vector paths")
struct ReductionPathTests {
  /// The exact-order reference: each output's elements added in `Double`, one by one.
  private func reference(_ x: Tensor, dims: [Int]) -> [Double] {
    let values = x.contiguous().scalars(as: Double.self)
    let shape = x.shape
    let kept = shape.indices.filter { !dims.contains($0) }
    let keptShape = kept.map { shape[$0] }
    var sums = [Double](repeating: 0, count: keptShape.reduce(1, *))
    let strides = Shape.contiguousStrides(shape)
    let keptStrides = Shape.contiguousStrides(keptShape)
    for (flat, v) in values.enumerated() {
      var o = 0
      for (k, d) in kept.enumerated() { o += (flat / strides[d] % shape[d]) * keptStrides[k] }
      sums[o] += v
    }
    return sums
  }

  private func expectClose(_ got: [Double], _ want: [Double], tolerance: Double, _ note: Comment) {
    #expect(got.count == want.count, note)
    for (g, w) in zip(got, want) { #expect(abs(g - w) <= tolerance * max(1, abs(w)), note) }
  }

  @Test(
    "whole-tensor sums and means of float32 and float64 at lengths around the 16 lanes",
    arguments: [DType.float32, .float64])
  func contiguousSums(dtype: DType) {
    let generator = Generator(seed: 3)
    for n in [1, 2, 15, 16, 17, 31, 33, 1000, 1024, 4099, 100_003] {
      let x = Tensor.randn([n], dtype: dtype, generator: generator)
      let want = reference(x, dims: [0])[0]
      let tolerance = dtype == .float32 ? 1e-6 : 1e-12
      expectClose([x.sum().item(as: Double.self)], [want], tolerance: tolerance, "sum of \(n) \(dtype)")
      expectClose([x.mean().item(as: Double.self)], [want / Double(n)], tolerance: tolerance, "mean of \(n) \(dtype)")
    }
  }

  @Test(
    "sums over leading dimensions add whole rows, on dense and strided reduced dimensions",
    arguments: [DType.float32, .float64])
  func leadingDimensionSums(dtype: DType) {
    let generator = Generator(seed: 5)
    let tolerance = dtype == .float32 ? 1e-6 : 1e-12
    // [64, 256]: a bias gradient; [3, 5, 40]: two leading dims; large enough to split by columns.
    for (shape, dims) in [
      ([64, 256], [0]), ([3, 5, 40], [0, 1]), ([3, 5, 40], [0]), ([300, 2048], [0]), ([7, 1], [0]),
    ] {
      let x = Tensor.randn(shape, dtype: dtype, generator: generator)
      expectClose(
        x.sum(dims: dims).scalars(as: Double.self), reference(x, dims: dims), tolerance: tolerance,
        "sum \(shape) over \(dims)")
      let count = Double(dims.map { shape[$0] }.reduce(1, *))
      expectClose(
        x.mean(dims: dims).scalars(as: Double.self), reference(x, dims: dims).map { $0 / count }, tolerance: tolerance,
        "mean \(shape) over \(dims)")
    }
    // Reduced dims strided (a permuted view whose kept dim is still dense), and kept dims that
    // are not dense (a transposed view: the column walk, not the row path).
    let base = Tensor.randn([6, 32, 4], dtype: dtype, generator: generator)
    let permuted = base.permute(2, 0, 1)  // [4, 6, 32], kept dim 2 has stride 1
    expectClose(
      permuted.sum(dims: [0, 1]).scalars(as: Double.self), reference(permuted, dims: [0, 1]), tolerance: tolerance,
      "permuted")
    let transposed = Tensor.randn([40, 30], dtype: dtype, generator: generator).t()
    expectClose(
      transposed.sum(dim: 0).scalars(as: Double.self), reference(transposed, dims: [0]), tolerance: tolerance,
      "transposed")
  }

  @Test(
    "whole-tensor reductions of small dense tensors (one row on the calling thread) agree with the same reductions over a transposed copy"
  )
  func wholeDenseTensor() {
    let x = Tensor.randn([6, 7], generator: Generator(seed: 5))
    let strided = x.t().contiguous().t()  // the same values, column-major: the general path
    #expect(!strided.isContiguous)
    func same(_ f: (Tensor) -> Tensor, _ note: Comment) {
      let (a, b) = (f(x).scalars(as: Double.self), f(strided).scalars(as: Double.self))
      #expect(a.count == b.count, note)
      for (u, v) in zip(a, b) { #expect(abs(u - v) <= 1e-5 * max(1, abs(v)), note) }
    }
    same({ $0.sum() }, "sum")
    same({ $0.mean() }, "mean")
    same({ $0.prod() }, "prod")
    same({ $0.amax() }, "amax")
    same({ $0.amin() }, "amin")
    same({ $0.std() }, "std")
    same({ $0.norm(p: 1) }, "norm 1")
    same({ $0.logsumexp(dims: [0, 1]) }, "logsumexp")
    same({ $0.sum(dims: [0, 1], keepDim: true) }, "sum keeping dims")
    let values = x.scalars(as: Float.self)
    #expect(x.argmax().item(as: Int64.self) == Int64(values.indices.max { values[$0] < values[$1] }!))
    // Empty and 0-d inputs, PyTorch's values: sum 0, prod 1, mean nan; a 0-d tensor is its own sum.
    let empty = Tensor.zeros([0])
    #expect(empty.sum().item(as: Float.self) == 0 && empty.prod().item(as: Float.self) == 1)
    #expect(empty.mean().item(as: Float.self).isNaN)
    #expect(Tensor(2.5).sum().item(as: Float.self) == 2.5 && Tensor(2.5).sum().shape == [])
    #expect(Tensor.ones([2, 3]).sum(dims: [0, 1], keepDim: true).shape == [1, 1])
  }

  @Test("integer sums and products keep their exact generic path")
  func integerAndProduct() {
    let x = Tensor.arange(0, 48, dtype: .int64).view(6, 8)
    let columnSums: [Int64] = (0..<8).map { j in Int64((0..<6).map { $0 * 8 + j }.reduce(0, +)) }
    #expect(x.sum(dim: 0).scalars(as: Int64.self) == columnSums)
    let y = Tensor(scalars: [Float](repeating: 1.5, count: 12), shape: [3, 4])
    #expect(y.prod(dim: 0).scalars(as: Float.self) == [Float](repeating: 3.375, count: 4))
  }
}
