import CKindlingLinalgKernels
import KindlingTensor
import Testing

@testable import KindlingLinalg

/// Square SVDs from order 16 run `?gesdd`'s phases in Kindling's kernels
/// (`SVDKernel.squareOrders`): the same singular values as one `?gesdd` call, singular vectors
/// equal up to sign, and the decomposition holds.
@Suite("SVD phases in Kindling's kernels")
struct SVDPhasesTests {
  static func kernel(_ a: Tensor, mode: SVDMode, split: Bool) -> (u: Tensor?, s: Tensor, vh: Tensor?, info: [Int32]) {
    let n = a.shape[a.rank - 1]
    var kernel = SVDKernel(matrices: a.mT.contiguous().clone(), m: n, n: n, mode: mode)
    kernel.split = split
    return Linalg.lapackDispatch(a.dtype, kernel, op: "linalg.svd", order: 0)
  }

  static func largestDifference(_ a: Tensor, _ b: Tensor) -> Double {
    (a.to(.float64) - b.to(.float64)).abs().max().item(as: Double.self)
  }

  @Test(
    "singular values and vectors match one gesdd call, float32 and float64, every mode",
    arguments: [16, 33, 64, 128, 200, 400])
  func matchesGesdd(n: Int) {
    for dtype in [DType.float32, .float64] {
      let a = Tensor.randn([2, n, n], dtype: .float64, generator: Generator(seed: UInt64(n))).to(dtype)
      let tolerance = dtype == .float64 ? 1e-10 : 2e-3
      for mode in [SVDMode.valuesOnly, .reduced, .full] {
        let phased = Self.kernel(a, mode: mode, split: true)
        let whole = Self.kernel(a, mode: mode, split: false)
        #expect(phased.info == [0, 0] && whole.info == [0, 0])
        #expect(Self.largestDifference(phased.s, whole.s) <= tolerance * Double(n), "\(dtype) n \(n) \(mode)")
        guard let u = phased.u, let vh = phased.vh, let wholeU = whole.u, let wholeVh = whole.vh else { continue }
        #expect(Self.largestDifference(u.abs(), wholeU.abs()) <= tolerance * 10, "\(dtype) n \(n) U")
        #expect(Self.largestDifference(vh.abs(), wholeVh.abs()) <= tolerance * 10, "\(dtype) n \(n) Vh")
        // The buffer holds A column by column (Aᵀ's rows), so A = U S Vh.
        let rebuilt = u.matmul(phased.s.unsqueeze(-1) * vh)
        #expect(Self.largestDifference(rebuilt, a) <= tolerance * Double(n), "\(dtype) n \(n) rebuilt")
      }
    }
  }

  @Test("an ordinary matrix takes the phases (no fall-back to gesdd), a scaled or NaN one does not")
  func takesThePhases() {
    let n = 32
    func run(_ values: [Float]) -> Int32 {
      var (a, s) = (values, [Float](repeating: 0, count: n))
      var (u, vt) = ([Float](repeating: 0, count: n * n), [Float](repeating: 0, count: n * n))
      return Float.gesddSquare(CChar(UInt8(ascii: "S")), Int32(n), &a, &s, &u, &vt, threads: 2)
    }
    let values = Tensor.randn([n, n], dtype: .float32, generator: Generator(seed: 5)).scalars(as: Float.self)
    #expect(run(values) == 0)
    #expect(run(values.map { $0 * 1e-30 }) == KINDLING_USE_GESDD)
    #expect(run([Float.nan] + values.dropFirst()) == KINDLING_USE_GESDD)
  }

  @Test("a matrix gesdd would scale, or one holding NaN, goes to gesdd itself")
  func fallsBack() {
    let n = 32
    let tiny = Tensor.randn([n, n], dtype: .float32, generator: Generator(seed: 3)) * 1e-30
    let phased = Self.kernel(tiny, mode: .valuesOnly, split: true)
    let whole = Self.kernel(tiny, mode: .valuesOnly, split: false)
    #expect(phased.info == [0] && whole.info == [0])
    #expect(phased.s.scalars(as: Float.self) == whole.s.scalars(as: Float.self))
    let nan = Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: 4))
    nan[3, 5] = Tensor(Double.nan)
    #expect(Self.kernel(nan, mode: .reduced, split: true).info == Self.kernel(nan, mode: .reduced, split: false).info)
  }
}
