import CKindlingLAPACK
import CKindlingLinalgKernels
import KindlingTensor
import Testing

@testable import KindlingLinalg

/// Kindling's symmetric tridiagonal divide and conquer against LAPACK's: the secular-equation
/// solver (`kindling_secular_root_*`) against `?laed4` root by root, and the whole
/// (`kindling_stedc_*`, on 1, 2 and 3 threads) against `?stedc`, on random problems and on the
/// shapes that exercise deflation (negligible off-diagonal elements, equal diagonals, the close
/// pairs of Wilkinson's matrix).
@Suite("Tridiagonal divide and conquer against LAPACK")
struct DivideAndConquerTests {
  /// A secular equation of order `k`: ascending distinct poles in (−1, 1), unit weights `z`
  /// (`spread` decades of magnitude), `rho` in (0.1, 1.1); `clustered` puts every third pole
  /// within 1e-9 of the one before.
  static func equation(k: Int, seed: UInt64, clustered: Bool = false, spread: Int = 0) -> (
    d: [Double], z: [Double], rho: Double
  ) {
    let u = Tensor.rand([3 * k + 1], dtype: .float64, generator: Generator(seed: seed)).scalars(as: Double.self)
    var d = (0..<k).map { 2 * u[$0] - 1 }.sorted()
    if clustered {
      for i in stride(from: 3, to: k, by: 3) { d[i] = d[i - 1] + 1e-9 * (1 + u[k + i]) }
      d.sort()
    }
    for i in 1..<k where d[i] <= d[i - 1] { d[i] = d[i - 1].nextUp }
    var z = (0..<k).map { j -> Double in
      let decades = Int(u[2 * k + j] * Double(spread + 1))
      var scale = 1.0
      for _ in 0..<decades { scale /= 10 }
      return (u[k + j] - 0.5) * scale
    }
    let norm = z.map { $0 * $0 }.reduce(0, +).squareRoot()
    z = z.map { $0 / norm }
    return (d, z, 0.1 + u[3 * k])
  }

  @Test(
    "float64 roots and differences d_j − λ match ?laed4's, inside their intervals",
    arguments: [
      (3, false, 0), (4, false, 0), (10, false, 0), (100, false, 0), (300, false, 0), (200, true, 0), (200, false, 7),
    ])
  func rootsMatchLAED4(k: Int, clustered: Bool, spread: Int) {
    let (d, z, rho) = Self.equation(
      k: k, seed: UInt64(k) + (clustered ? 7 : 0) + UInt64(spread), clustered: clustered, spread: spread)
    var worst = 0.0
    for i in 0..<k {
      var (lapack, kernel) = ([Double](repeating: 0, count: k), [Double](repeating: 0, count: k))
      var (lapackRoot, kernelRoot) = (0.0, 0.0)
      var (n, index, info, r) = (Int32(k), Int32(i + 1), Int32(0), rho)
      dlaed4_(&n, &index, d, z, &lapack, &r, &lapackRoot, &info)
      #expect(info == 0)
      #expect(kindling_secular_root_f64(Int32(k), Int32(i), d, z, rho, &kernel, &kernelRoot) == 0)
      // (A root within half an ulp of its pole rounds onto it.)
      #expect(kernelRoot >= d[i] && (i == k - 1 ? kernelRoot <= d[i] + rho : kernelRoot <= d[i + 1]), "root \(i)")
      for j in 0..<k { worst = max(worst, abs(kernel[j] - lapack[j]) / abs(lapack[j])) }
    }
    #expect(worst <= 1e-11, "k \(k): largest relative difference \(worst)")
  }

  @Test("float32 roots are as accurate as ?laed4's in float32 (both against float64)", arguments: [10, 100, 300])
  func float32RootsAsAccurateAsLAED4(k: Int) {
    // The problem in float32, and the same numbers in float64 as the reference.
    let (d64, z64, rho64) = Self.equation(k: k, seed: UInt64(k) + 40)
    var d = d64.map { Float($0) }
    for i in 1..<k where d[i] <= d[i - 1] { d[i] = d[i - 1].nextUp }
    let z = z64.map { Float($0) }, rho = Float(rho64)
    let (dExact, zExact, rhoExact) = (d.map(Double.init), z.map(Double.init), Double(rho))
    var (kernelError, lapackError) = (0.0, 0.0)
    for i in 0..<k {
      var exact = [Double](repeating: 0, count: k), lapack = [Float](repeating: 0, count: k)
      var kernel = [Float](repeating: 0, count: k)
      var (exactRoot, lapackRoot, kernelRoot): (Double, Float, Float) = (0, 0, 0)
      var (n, index, info, r, r32) = (Int32(k), Int32(i + 1), Int32(0), rhoExact, rho)
      // ?laed4 assumes ‖z‖ = 1; the float32 weights are within rounding of it in both runs.
      dlaed4_(&n, &index, dExact, zExact, &exact, &r, &exactRoot, &info)
      slaed4_(&n, &index, d, z, &lapack, &r32, &lapackRoot, &info)
      #expect(kindling_secular_root_f32(Int32(k), Int32(i), d, z, rho, &kernel, &kernelRoot) == 0)
      for j in 0..<k {
        kernelError = max(kernelError, abs(Double(kernel[j]) - exact[j]) / abs(exact[j]))
        lapackError = max(lapackError, abs(Double(lapack[j]) - exact[j]) / abs(exact[j]))
      }
    }
    #expect(kernelError <= 4 * lapackError + 1e-6, "k \(k): \(kernelError) against ?laed4's \(lapackError)")
  }

  /// Diagonal and off-diagonal of a test matrix of order `n`.
  static func tridiagonal(_ kind: String, n: Int, seed: UInt64) -> (d: [Double], e: [Double]) {
    let g = Tensor.randn([2 * n], dtype: .float64, generator: Generator(seed: seed)).scalars(as: Double.self)
    switch kind {
    case "wilkinson":  // W(n): |i − center| on the diagonal, ones beside it: pairs of nearly equal eigenvalues
      return ((0..<n).map { abs(Double($0) - Double(n - 1) / 2) }, [Double](repeating: 1, count: n - 1))
    case "toeplitz":  // equal diagonals: 2 + 2 cos(πj / (n + 1))
      return ([Double](repeating: 2, count: n), [Double](repeating: 1, count: n - 1))
    case "split":  // every fifth off-diagonal element negligible: independent blocks
      return (Array(g[0..<n]), (0..<(n - 1)).map { $0 % 5 == 4 ? 1e-30 : g[n + $0] })
    case "diagonal":  // every off-diagonal element negligible: everything deflates
      return (Array(g[0..<n]), [Double](repeating: 1e-20, count: n - 1))
    default:  // the tridiagonal form of a random symmetric matrix, as eigh meets it
      var a = TridiagonalKernelTests.matrix(Double.self, n: n, seed: seed)
      var (d, e) = ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n))
      var tau = [Double](repeating: 0, count: n)
      Double.sytrdSmall(LAPACKFlag.upper, Int32(n), &a, &d, &e, &tau)
      return (d, Array(e.prefix(n - 1)))
    }
  }

  /// (eigenvalues, eigenvectors) from `solve(d, e, z)`, which returns `info`.
  static func solve<T: LAPACKScalar>(
    _ d: [Double], _ e: [Double], as _: T.Type,
    _ solve: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Int32
  ) -> ([Double], [Double]) {
    let n = d.count
    var (dd, ee) = (d.map { T($0) }, e.map { T($0) } + [0])
    var z = [T](repeating: 0, count: n * n)
    #expect(solve(&dd, &ee, &z) == 0)
    return (dd.map { Double($0) }, z.map { Double($0) })
  }

  @Test(
    "kindling_stedc matches ?stedc's eigenvalues, and its eigenvectors are orthonormal and solve T z = λ z",
    arguments: [
      ("random", 1), ("random", 2), ("random", 25), ("random", 26), ("random", 64), ("random", 200), ("random", 300),
      ("wilkinson", 41), ("wilkinson", 121), ("toeplitz", 100), ("split", 90), ("diagonal", 60),
    ])
  func matchesSTEDC(kind: String, n: Int) {
    Linalg.teamRunner
    let (d, e) = Self.tridiagonal(kind, n: n, seed: UInt64(n) + 300)
    let norm = max(d.map(abs).max() ?? 0, e.map(abs).max() ?? 0)
    func check<T: LAPACKScalar>(_: T.Type, tolerance: Double) {
      let (expected, _) = Self.solve(d, e, as: T.self) { dp, ep, zp in
        var size: T = 0
        var isize: Int32 = 0
        _ = T.stedc(LAPACKFlag.tridiagonalVectors, Int32(n), dp, ep, zp, Int32(n), &size, -1, &isize, -1)
        var work = [T](repeating: 0, count: max(1, Int(size)))
        var iwork = [Int32](repeating: 0, count: max(1, Int(isize)))
        return T.stedc(
          LAPACKFlag.tridiagonalVectors, Int32(n), dp, ep, zp, Int32(n), &work, Int32(work.count), &iwork,
          Int32(iwork.count))
      }
      for threads in [1, 2, 3] {
        let (values, z) = Self.solve(d, e, as: T.self) { dp, ep, zp in
          T.stedcTeam(Int32(n), dp, ep, zp, Int32(n), threads: Int32(threads))
        }
        let label = "\(kind) \(n), \(T.self), \(threads) threads"
        let valueError = zip(values, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(valueError <= tolerance * norm, "\(label): eigenvalues \(valueError)")
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "\(label): not ascending")
        var (residual, orthogonality) = (0.0, 0.0)
        for j in 0..<n {
          for i in 0..<n {
            var product = d[i] * z[i + j * n]
            if i > 0 { product += e[i - 1] * z[i - 1 + j * n] }
            if i < n - 1 { product += e[i] * z[i + 1 + j * n] }
            residual = max(residual, abs(product - values[j] * z[i + j * n]))
          }
          for k in stride(from: j, to: n, by: max(1, n / 16)) {
            var dot = 0.0
            for i in 0..<n { dot += z[i + j * n] * z[i + k * n] }
            orthogonality = max(orthogonality, abs(dot - (j == k ? 1 : 0)))
          }
        }
        #expect(residual <= tolerance * norm, "\(label): residual \(residual)")
        #expect(orthogonality <= tolerance, "\(label): orthogonality \(orthogonality)")
      }
    }
    check(Double.self, tolerance: 1e-13 * Double(max(n, 10)))
    check(Float.self, tolerance: 2e-6 * Double(max(n, 10)))
  }

  @Test("a zero or non-finite matrix is declined (-2), its numbers untouched, for ?stedc to take")
  func declines() {
    for (d, e) in [([0.0, 0, 0], [0.0, 0]), ([1.0, .nan, 2], [1.0, 1]), ([1.0, 2, 3], [.infinity, 1])] {
      var (dd, ee) = (d, e + [0])
      var z = [Double](repeating: 0, count: 9)
      #expect(Double.stedcTeam(3, &dd, &ee, &z, 3, threads: 2) == -2)
      #expect(dd.elementsEqual(d) { $0 == $1 || ($0.isNaN && $1.isNaN) })
      #expect(ee.prefix(2).elementsEqual(e) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
  }
}
