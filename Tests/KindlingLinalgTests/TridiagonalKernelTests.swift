import KindlingTensor
import Testing

@testable import KindlingLinalg

/// Kindling's tridiagonal reductions (`kindling_sytrd_upper_*`, `kindling_sytrd_lower_*`, and
/// the blocked `kindling_sytrd_blocked_upper_*` on explicit thread counts) against LAPACK's
/// `?sytrd` on the same matrices, both triangles: the same `d`, `e`, `tau` and
/// reflectors up to rounding, reading only the triangle named (the other holds other numbers
/// here).
@Suite("Tridiagonal reduction kernel against LAPACK")
struct TridiagonalKernelTests {
  struct Reduction<T: LAPACKScalar> {
    var d: [T], e: [T], tau: [T], reflectors: [T]
  }

  /// (kernel, LAPACK) on the column-major `n`×`n` matrix `values`, triangle `upper` or lower.
  static func both<T: LAPACKScalar>(_ values: [T], n: Int, upper: Bool = true) -> (Reduction<T>, Reduction<T>) {
    // LAPACK on one OpenBLAS thread, as Kindling calls it below order 512 (unpinned, OpenBLAS's
    // own default sums ?symv's products in another order). Another suite's wide call can still
    // put OpenBLAS on two threads meanwhile: the float32 tolerances below allow for that.
    BLAS.pinOpenBLAS()
    func run(
      _ reduce: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) ->
        Void
    ) -> Reduction<T> {
      var a = values
      var d = [T](repeating: 0, count: n)
      var e = [T](repeating: 0, count: max(0, n - 1))
      var tau = [T](repeating: 0, count: max(1, n - 1))
      a.withUnsafeMutableBufferPointer { a in
        d.withUnsafeMutableBufferPointer { d in
          e.withUnsafeMutableBufferPointer { e in
            tau.withUnsafeMutableBufferPointer { tau in
              reduce(a.baseAddress!, d.baseAddress!, e.baseAddress ?? d.baseAddress!, tau.baseAddress!)
            }
          }
        }
      }
      // The reflectors: above the superdiagonal or below the subdiagonal, column by column.
      var reflectors: [T] = []
      for c in 0..<n {
        for r in upper ? 0..<max(0, c - 1) : min(n, c + 2)..<n { reflectors.append(a[r + c * n]) }
      }
      return Reduction(d: d, e: e, tau: Array(tau.prefix(max(0, n - 1))), reflectors: reflectors)
    }
    let uplo = upper ? LAPACKFlag.upper : LAPACKFlag.lower
    let kernel = run { a, d, e, tau in T.sytrdSmall(uplo, Int32(n), a, d, e, tau) }
    let lapack = run { a, d, e, tau in
      let n32 = Int32(n)
      var size: T = 0
      _ = T.sytrd(uplo, n32, a, n32, d, e, tau, &size, -1)
      var work = [T](repeating: 0, count: max(1, Int(size)))
      _ = T.sytrd(uplo, n32, a, n32, d, e, tau, &work, Int32(work.count))
    }
    return (kernel, lapack)
  }

  /// A column-major matrix whose triangle `upper` (or lower) is that of a random symmetric matrix
  /// and whose other strict triangle holds unrelated numbers.
  static func matrix<T: LAPACKScalar>(_: T.Type, n: Int, seed: UInt64, upper: Bool = true) -> [T] {
    let symmetric = Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: seed)).scalars(as: Double.self)
    let other = Tensor.randn([n, n], dtype: .float64, generator: Generator(seed: seed + 1)).scalars(as: Double.self)
    var values = [T](repeating: 0, count: n * n)
    for c in 0..<n {
      for r in 0..<n {
        values[r + c * n] = T(
          (r <= c) == upper || r == c ? symmetric[min(r, c) * n + max(r, c)] : 100 * other[r * n + c])
      }
    }
    return values
  }

  static func largestDifference<T: LAPACKScalar>(_ a: [T], _ b: [T]) -> Double {
    zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
  }

  @Test(
    "d, e, tau and reflectors equal LAPACK's up to rounding, both triangles, float32 and float64",
    arguments: [1, 2, 3, 5, 17, 64, 100, 128])
  func matchesLAPACK(n: Int) {
    for upper in [true, false] {
      let single = Self.both(Self.matrix(Float.self, n: n, seed: UInt64(n), upper: upper), n: n, upper: upper)
      let double = Self.both(Self.matrix(Double.self, n: n, seed: UInt64(n), upper: upper), n: n, upper: upper)
      // Magnitudes grow like n; tolerances relative to that. In float32 the two reductions are
      // different roundings (on two OpenBLAS threads `ssytrd`'s `d` at 128 moved by 5.0e-3).
      let scale = Double(n)
      Self.expectClose(single.0, single.1, values: 6e-5 * scale, reflectors: 1e-5 * scale, "float32 n \(n) \(upper)")
      Self.expectClose(double.0, double.1, values: 1e-12 * scale, reflectors: 1e-13 * scale, "float64 n \(n) \(upper)")
    }
  }

  static func expectClose<T: LAPACKScalar>(
    _ kernel: Reduction<T>, _ lapack: Reduction<T>, values: Double, reflectors: Double, _ label: String
  ) {
    #expect(kernel.reflectors.count == lapack.reflectors.count)
    #expect(largestDifference(kernel.d, lapack.d) <= values, "\(label): d")
    #expect(largestDifference(kernel.e, lapack.e) <= values, "\(label): e")
    #expect(largestDifference(kernel.tau, lapack.tau) <= reflectors, "\(label): tau")
    #expect(largestDifference(kernel.reflectors, lapack.reflectors) <= reflectors, "\(label): reflectors")
  }

  @Test(
    "the blocked kernel on 1, 2 and 3 threads gives ?sytrd's d, e, tau and reflectors (upper, float64)",
    arguments: [33, 64, 100, 300, 520])
  func blockedMatchesLAPACK(n: Int) {
    let values = Self.matrix(Double.self, n: n, seed: UInt64(n) + 50)
    let (_, lapack) = Self.both(values, n: n)
    for threads in [1, 2, 3] {
      var a = values
      var (d, e, tau) = (
        [Double](repeating: 0, count: n), [Double](repeating: 0, count: n), [Double](repeating: 0, count: n)
      )
      #expect(Double.sytrdBlockedUpper(Int32(n), &a, &d, &e, &tau, threads: Int32(threads)) == 0)
      var reflectors: [Double] = []
      for c in 0..<n {
        for r in 0..<max(0, c - 1) { reflectors.append(a[r + c * n]) }
      }
      let kernel = Reduction(d: d, e: Array(e.prefix(n - 1)), tau: Array(tau.prefix(n - 1)), reflectors: reflectors)
      Self.expectClose(
        kernel, lapack, values: 1e-12 * Double(n), reflectors: 1e-12 * Double(n), "n \(n), \(threads) threads")
    }
  }

  @Test(
    "the divide and conquer's merge (kindling_laed1) gives ?laed1's eigensystem on 1, 2 and 3 threads",
    arguments: [2, 5, 64, 257])
  func mergeMatchesLAED1(n: Int) {
    // The tridiagonal form of a random symmetric matrix, cut in two halves as stedc cuts it,
    // each solved by stedc.
    let (full, _) = Self.both(Self.matrix(Double.self, n: n, seed: UInt64(n) + 80), n: n)
    var (d, e) = (full.d, full.e + [0])
    let m = n / 2
    let rho = e[m - 1]
    d[m - 1] -= abs(rho)
    d[m] -= abs(rho)
    var q = [Double](repeating: 0, count: n * n)
    for (start, size) in [(0, m), (m, n - m)] {
      var work = [Double](repeating: 0, count: 1 + 4 * size + size * size)
      var iwork = [Int32](repeating: 0, count: 3 + 5 * size)
      let code = d.withUnsafeMutableBufferPointer { d in
        e.withUnsafeMutableBufferPointer { e in
          q.withUnsafeMutableBufferPointer { q in
            Double.stedc(
              LAPACKFlag.tridiagonalVectors, Int32(size), d.baseAddress! + start, e.baseAddress! + start,
              q.baseAddress! + start * n + start, Int32(n), &work, Int32(work.count), &iwork, Int32(iwork.count))
          }
        }
      }
      #expect(code == 0)
    }
    let order = (0..<m).map { Int32($0 + 1) } + (0..<(n - m)).map { Int32($0 + 1) }
    var (lapackD, lapackQ, lapackOrder) = (d, q, order)
    var work = [Double](repeating: 0, count: 4 * n + n * n)
    var iwork = [Int32](repeating: 0, count: 4 * n)
    #expect(Double.laed1(Int32(n), &lapackD, &lapackQ, Int32(n), &lapackOrder, rho, Int32(m), &work, &iwork) == 0)
    for threads in [1, 2, 3] {
      var (kernelD, kernelQ, kernelOrder) = (d, q, order)
      let code = Double.laed1Team(
        Int32(n), &kernelD, &kernelQ, Int32(n), &kernelOrder, rho, Int32(m), threads: Int32(threads))
      #expect(code == 0)
      // The roots come from Kindling's secular-equation solver (reassociated sums): the same
      // eigensystem to rounding, in the same order.
      #expect(kernelOrder == lapackOrder, "n \(n), \(threads) threads")
      let valueError = zip(kernelD, lapackD).map { abs($0 - $1) }.max() ?? 0
      let vectorError = zip(kernelQ, lapackQ).map { abs($0 - $1) }.max() ?? 0
      #expect(
        valueError <= 1e-13 * Double(n) && vectorError <= 1e-11 * Double(n),
        "n \(n), \(threads) threads: \(valueError), \(vectorError)")
    }
  }

  @Test(
    "the reflectors applied by kindling_ormtr_upper on 1, 2 and 3 threads give ?ormtr's product (float64)",
    arguments: [2, 3, 65, 130, 300])
  func ormtrMatchesLAPACK(n: Int) {
    Linalg.teamRunner
    var a = Self.matrix(Double.self, n: n, seed: UInt64(n) + 500)
    var (d, e, tau) = (
      [Double](repeating: 0, count: n), [Double](repeating: 0, count: n), [Double](repeating: 0, count: n)
    )
    #expect(Double.sytrdBlockedUpper(Int32(n), &a, &d, &e, &tau, threads: 1) == 0)
    let c = Tensor.randn([n * n], dtype: .float64, generator: Generator(seed: 7)).scalars(as: Double.self)
    var expected = c
    var reflectors = a
    var work = [Double](repeating: 0, count: n * 64 + 65 * 64)
    #expect(
      Double.ormtr(
        LAPACKFlag.upper, Int32(n), Int32(n), &reflectors, Int32(n), tau, &expected, Int32(n), &work,
        Int32(work.count)) == 0)
    for threads in [1, 2, 3] {
      var product = c
      #expect(Double.ormtrUpper(Int32(n), a, tau, &product, threads: Int32(threads)) == 0)
      let worst = Self.largestDifference(product, expected)
      #expect(worst <= 1e-13 * Double(n), "n \(n), \(threads) threads: \(worst)")
    }
  }

  @Test("a column already zero above the superdiagonal gives LAPACK's tau = 0 (no reflector)")
  func zeroColumn() {
    let n = 6
    var values = Self.matrix(Double.self, n: n, seed: 9)
    for r in 0..<(n - 2) { values[r + (n - 1) * n] = 0 }  // the first reflector's column
    let (kernel, lapack) = Self.both(values, n: n)
    #expect(kernel.tau[n - 2] == 0 && lapack.tau[n - 2] == 0)
    Self.expectClose(kernel, lapack, values: 1e-12, reflectors: 1e-12, "zero column")
  }
}
