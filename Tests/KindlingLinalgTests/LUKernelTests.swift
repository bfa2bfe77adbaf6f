import KindlingTensor
import Testing

@testable import KindlingLinalg

/// Kindling's recursive LU kernel (`kindling_getrf_*`) against LAPACK's `?getrf` on the same
/// matrices: the same pivots and `info`, factors equal up to rounding. Shapes cross the kernel's
/// panel width (16) and several levels of its recursion; tall, wide, singular and tiny-pivot cases
/// take the branches LAPACK documents.
@Suite("LU kernel against LAPACK")
struct LUKernelTests {
  /// Runs both on `values` (row-major `m`×`n`): (kernel factors row-major, pivots, info) and
  /// (LAPACK factors read back row-major, pivots, info).
  static func both<T: LAPACKScalar>(_ values: [T], m: Int, n: Int)
    -> (kernel: ([T], [Int32], Int32), lapack: ([T], [Int32], Int32))
  {
    let k = min(m, n)
    var rowMajor = values
    var kernelPivots = [Int32](repeating: -1, count: k)
    var work = [T](repeating: 0, count: m * 16)
    let kernelInfo = T.getrfRowMajor(Int32(m), Int32(n), &rowMajor, Int32(n), &kernelPivots, &work)

    var columnMajor = [T](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { columnMajor[j * m + i] = values[i * n + j] } }
    var lapackPivots = [Int32](repeating: -1, count: k)
    let lapackInfo = T.getrf(Int32(m), Int32(n), &columnMajor, Int32(max(1, m)), &lapackPivots)
    var lapack = [T](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { lapack[i * n + j] = columnMajor[j * m + i] } }
    return ((rowMajor, kernelPivots, kernelInfo), (lapack, lapackPivots, lapackInfo))
  }

  static func random<T: LAPACKScalar>(_: T.Type, m: Int, n: Int, seed: UInt64) -> [T] {
    Tensor.randn([m, n], dtype: .float64, generator: Generator(seed: seed)).scalars(as: Double.self).map { T($0) }
  }

  static func expectClose<T: LAPACKScalar>(_ a: [T], _ b: [T], tolerance: Double, _ label: String) {
    let scale = b.map { abs(Double($0)) }.max() ?? 1
    let worst = zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
    #expect(worst <= tolerance * max(1, scale), "\(label): largest difference \(worst)")
  }

  static let shapes: [(m: Int, n: Int)] = [
    (1, 1), (2, 2), (5, 5), (16, 16), (17, 17), (33, 33), (64, 64), (100, 100), (257, 257),
    (300, 40), (70, 33), (20, 90), (33, 100), (1, 7), (9, 1),
  ]

  @Test("float32 and float64: LAPACK's pivots and info, factors within rounding", arguments: shapes)
  func randomMatrices(shape: (m: Int, n: Int)) {
    let seed = UInt64(shape.m * 1000 + shape.n)
    let single = Self.both(Self.random(Float.self, m: shape.m, n: shape.n, seed: seed), m: shape.m, n: shape.n)
    #expect(single.kernel.1 == single.lapack.1, "float32 \(shape) pivots")
    #expect(single.kernel.2 == 0 && single.lapack.2 == 0)
    Self.expectClose(single.kernel.0, single.lapack.0, tolerance: 1e-4, "float32 \(shape)")

    let double = Self.both(Self.random(Double.self, m: shape.m, n: shape.n, seed: seed), m: shape.m, n: shape.n)
    #expect(double.kernel.1 == double.lapack.1, "float64 \(shape) pivots")
    #expect(double.kernel.2 == 0 && double.lapack.2 == 0)
    Self.expectClose(double.kernel.0, double.lapack.0, tolerance: 1e-12, "float64 \(shape)")
  }

  @Test(
    "the solve from the row-major factors: A X = B and Aᵀ X = B, one right-hand side (substitution by rows) and several (trsm)",
    arguments: [1, 2, 5, 17, 64, 100])
  func solveFromFactors(n: Int) {
    let a =
      Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: UInt64(n))) + Tensor.eye(n, dtype: .float64)
    var factors = a.scalars(as: Double.self)
    var pivots = [Int32](repeating: 0, count: n)
    var work = [Double](repeating: 0, count: n * 16)
    #expect(Double.getrfRowMajor(Int32(n), Int32(n), &factors, Int32(n), &pivots, &work) == 0)
    for k in [1, 3] {
      for transpose in [false, true] {
        let b = Tensor.randn([n, k], dtype: .float64, generator: Generator(seed: UInt64(100 + k)))
        // Column-major n×k: the transpose's rows.
        var x = b.mT.contiguous().scalars(as: Double.self)
        Double.getrsRowMajor(transpose, Int32(n), Int32(k), factors, pivots, &x)
        let solution = Tensor(scalars: x, shape: [k, n]).mT
        let residual = ((transpose ? a.mT : a).matmul(solution) - b).abs().max().item(as: Double.self)
        #expect(residual < 1e-9, "n \(n) k \(k) transpose \(transpose): residual \(residual)")
      }
    }
  }

  @Test("a zero pivot gives LAPACK's info (the first one) and the rest is still factored")
  func singular() {
    for (m, n, zeroColumn) in [(6, 6, 0), (20, 20, 3), (40, 40, 25), (50, 30, 17)] {
      var values = Self.random(Double.self, m: m, n: n, seed: UInt64(m + zeroColumn))
      for i in 0..<m { values[i * n + zeroColumn] = 0 }
      let (kernel, lapack) = Self.both(values, m: m, n: n)
      #expect(kernel.2 == Int32(zeroColumn + 1))
      #expect(kernel.2 == lapack.2)
      #expect(kernel.1 == lapack.1)
      Self.expectClose(kernel.0, lapack.0, tolerance: 1e-12, "\(m)x\(n) with column \(zeroColumn) zero")
    }
    let zeros = Self.both([Float](repeating: 0, count: 400), m: 20, n: 20)
    #expect(zeros.kernel.2 == 1 && zeros.lapack.2 == 1)
    #expect(zeros.kernel.1 == zeros.lapack.1)
    #expect(zeros.kernel.0.allSatisfy { $0 == 0 })
  }

  @Test("a pivot below the smallest normal float divides instead of overflowing a reciprocal")
  func tinyPivot() {
    // [[t, 1], [t/2, 1]] with t subnormal: the multiplier is (t/2)/t = 0.5, where t's reciprocal
    // overflows. LAPACK's reference ?getrf2 divides in this case, and so does the kernel;
    // OpenBLAS's own sgetrf multiplies by the infinite reciprocal and returns inf and -inf,
    // so this case is held to the exact factors rather than to it.
    let t = Float.leastNormalMagnitude / 4
    let (kernel, _) = Self.both([t, 1, t / 2, 1], m: 2, n: 2)
    #expect(kernel.0 == [t, 1, 0.5, 0.5])
    #expect(kernel.1 == [1, 2])
    #expect(kernel.2 == 0)
  }
}
