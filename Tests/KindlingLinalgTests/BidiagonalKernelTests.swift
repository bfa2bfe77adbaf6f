import CKindlingLinalgKernels
import KindlingTensor
import Testing

@testable import KindlingLinalg

/// Kindling's kernels of the square SVD against the LAPACK routines they replace, with explicit
/// thread counts (the SVD itself uses `BLAS.threadCount`): the blocked bidiagonal reduction split
/// across threads (`kindling_gebrd_blocked_*`) against `?gebrd`, the bidiagonal divide and
/// conquer split in two (`kindling_bdsdc_split_*`) against `?bdsdc`, and the whole
/// (`kindling_gesdd_square_*`) against `?gesdd`, also under a runner that runs its chunks one
/// after the other.
@Suite("Bidiagonal SVD kernels against LAPACK")
struct BidiagonalKernelTests {
  struct Reduction<T: SVDScalar> {
    var d: [T], e: [T], tauq: [T], taup: [T], a: [T]
  }

  /// The column-major `m`×`n` matrix `values` reduced by `reduce(a, d, e, tauq, taup)`.
  static func reduce<T: SVDScalar>(
    _ values: [T], m: Int, n: Int,
    _ reduce: (
      UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>,
      UnsafeMutablePointer<T>
    ) ->
      Int32
  ) -> Reduction<T> {
    var r = Reduction<T>(
      d: .init(repeating: 0, count: n), e: .init(repeating: 0, count: n), tauq: .init(repeating: 0, count: n),
      taup: .init(repeating: 0, count: n), a: values)
    let code = reduce(&r.a, &r.d, &r.e, &r.tauq, &r.taup)
    #expect(code == 0)
    r.e.removeLast()
    return r
  }

  static func lapackReduction<T: SVDScalar>(_ values: [T], m: Int, n: Int) -> Reduction<T> {
    reduce(values, m: m, n: n) { a, d, e, tauq, taup in
      var size: T = 0
      _ = T.gebrd(Int32(m), Int32(n), a, d, e, tauq, taup, &size, -1)
      var work = [T](repeating: 0, count: Swift.max(1, Int(size)))
      return T.gebrd(Int32(m), Int32(n), a, d, e, tauq, taup, &work, Int32(work.count))
    }
  }

  static func matrix<T: SVDScalar>(_: T.Type, m: Int, n: Int, seed: UInt64) -> [T] {
    Tensor.randn([m * n], dtype: .float64, generator: Generator(seed: seed)).scalars(as: Double.self).map { T($0) }
  }

  static func largestDifference<T: SVDScalar>(_ a: [T], _ b: [T]) -> Double {
    zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
  }

  @Test(
    "the blocked reduction on 1, 2 and 3 threads gives ?gebrd's d, e, tau and reflectors (float64)",
    arguments: [(129, 129), (200, 200), (300, 260), (161, 140), (400, 400)])
  func blockedMatchesGebrd(shape: (Int, Int)) {
    let (m, n) = shape
    let values = Self.matrix(Double.self, m: m, n: n, seed: UInt64(m * 1000 + n))
    let lapack = Self.lapackReduction(values, m: m, n: n)
    for threads in [1, 2, 3] {
      let kernel = Self.reduce(values, m: m, n: n) { a, d, e, tauq, taup in
        Double.gebrdBlocked(Int32(m), Int32(n), a, d, e, tauq, taup, threads: Int32(threads))
      }
      let label = "\(m)×\(n) on \(threads) threads"
      let tolerance = 1e-12 * Double(m)
      #expect(Self.largestDifference(kernel.d, lapack.d) <= tolerance, "\(label): d")
      #expect(Self.largestDifference(kernel.e, lapack.e) <= tolerance, "\(label): e")
      #expect(Self.largestDifference(kernel.tauq, lapack.tauq) <= tolerance, "\(label): tauq")
      #expect(Self.largestDifference(kernel.taup, lapack.taup) <= tolerance, "\(label): taup")
      #expect(Self.largestDifference(kernel.a, lapack.a) <= tolerance, "\(label): reflectors")
    }
  }

  /// The bidiagonal matrix of `d` and `e` as a dense `n`×`n` tensor.
  static func bidiagonal<T: SVDScalar>(_ d: [T], _ e: [T]) -> Tensor {
    let n = d.count
    var dense = [Double](repeating: 0, count: n * n)
    for i in 0..<n { dense[i * n + i] = Double(d[i]) }
    for i in 0..<(n - 1) { dense[i * n + i + 1] = Double(e[i]) }
    return Tensor(scalars: dense, shape: [n, n])
  }

  @Test("in float32 the blocked reduction keeps the singular values, on 1 and 2 threads")
  func blockedKeepsSingularValues() throws {
    let (m, n) = (420, 400)
    let values = Self.matrix(Float.self, m: m, n: n, seed: 11)
    let a = Tensor(scalars: values.map { Double($0) }, shape: [n, m]).mT
    let expected = try Linalg.svdvals(a)
    for threads in [1, 2] {
      let kernel = Self.reduce(values, m: m, n: n) { a, d, e, tauq, taup in
        Float.gebrdBlocked(Int32(m), Int32(n), a, d, e, tauq, taup, threads: Int32(threads))
      }
      let found = try Linalg.svdvals(Self.bidiagonal(kernel.d, kernel.e))
      let worst = (found - expected).abs().max().item(as: Double.self)
      #expect(worst <= 1e-5 * expected[0].item(as: Double.self) * Double(n), "\(threads) threads: \(worst)")
    }
  }

  struct BidiagonalSVD<T: SVDScalar> {
    var s: [T], u: [T], vt: [T], code: Int32
  }

  static func bidiagonalSVD<T: SVDScalar>(_ d: [T], _ e: [T], split: Bool) -> BidiagonalSVD<T> {
    let n = d.count
    var (dd, ee) = (d, e + [0])
    var r = BidiagonalSVD<T>(
      s: [], u: .init(repeating: 0, count: n * n), vt: .init(repeating: 0, count: n * n), code: 0)
    if split {
      r.code = T.bdsdcSplit(Int32(n), &dd, &ee, &r.u, &r.vt)
    } else {
      var work = [T](repeating: 0, count: 3 * n * n + 4 * n)
      var iwork = [Int32](repeating: 0, count: 8 * n)
      r.code = T.bdsdc(Int32(n), &dd, &ee, &r.u, &r.vt, &work, &iwork)
    }
    r.s = dd
    return r
  }

  @Test(
    "the split bidiagonal SVD gives ?bdsdc's values, vectors up to sign, and B = U S Vᵀ",
    arguments: [52, 100, 257])
  func splitMatchesBdsdc(n: Int) throws {
    for double in [false, true] {
      func check<T: SVDScalar>(_: T.Type, tolerance: Double) throws {
        let reduced = Self.lapackReduction(Self.matrix(T.self, m: n, n: n, seed: UInt64(n)), m: n, n: n)
        let split = Self.bidiagonalSVD(reduced.d, reduced.e, split: true)
        let whole = Self.bidiagonalSVD(reduced.d, reduced.e, split: false)
        #expect(split.code == 0 && whole.code == 0)
        let label = "\(T.self) n \(n)"
        #expect(Self.largestDifference(split.s, whole.s) <= tolerance * Double(n), "\(label): values")
        #expect(zip(split.s, split.s.dropFirst()).allSatisfy { $0 >= $1 }, "\(label): descending")
        #expect(
          Self.largestDifference(split.u.map(\.magnitude), whole.u.map(\.magnitude)) <= tolerance * 100, "\(label): U")
        #expect(
          Self.largestDifference(split.vt.map(\.magnitude), whole.vt.map(\.magnitude)) <= tolerance * 100,
          "\(label): Vt")
        // Column-major buffers: U's column j is row j of the [n, n] tensor.
        let u = Tensor(scalars: split.u.map { Double($0) }, shape: [n, n]).mT
        let vt = Tensor(scalars: split.vt.map { Double($0) }, shape: [n, n]).mT
        let s = Tensor(scalars: split.s.map { Double($0) }, shape: [n])
        let rebuilt = u.matmul(s.unsqueeze(-1) * vt)
        let worst = (rebuilt - Self.bidiagonal(reduced.d, reduced.e)).abs().max().item(as: Double.self)
        #expect(worst <= tolerance * Double(n), "\(label): rebuilt \(worst)")
      }
      if double { try check(Double.self, tolerance: 1e-12) } else { try check(Float.self, tolerance: 1e-5) }
    }
  }

  @Test("below order 52, or with a negligible off-diagonal element, ?bdsdc itself must run")
  func splitDeclines() {
    var d = [Double](repeating: 1, count: 60)
    var e = [Double](repeating: 0.5, count: 60)
    var (u, vt) = ([Double](repeating: 0, count: 3600), [Double](repeating: 0, count: 3600))
    e[20] = 1e-20
    #expect(Double.bdsdcSplit(60, &d, &e, &u, &vt) == KINDLING_USE_GESDD)
    #expect(d == [Double](repeating: 1, count: 60) && e[20] == 1e-20, "nothing written")
    e[20] = 0.5
    #expect(Double.bdsdcSplit(51, &d, &e, &u, &vt) == KINDLING_USE_GESDD)
    #expect(Double.bdsdcSplit(60, &d, &e, &u, &vt) == 0)
  }

  /// `?gesdd` (jobz `S`) and Kindling's phases on `threads` threads on the same matrix.
  static func squareSVD<T: SVDScalar>(_ values: [T], n: Int, threads: Int?) -> BidiagonalSVD<T> {
    var a = values
    var r = BidiagonalSVD<T>(
      s: .init(repeating: 0, count: n), u: .init(repeating: 0, count: n * n), vt: .init(repeating: 0, count: n * n),
      code: 0)
    let jobz = CChar(UInt8(ascii: "S"))
    if let threads {
      r.code = T.gesddSquare(jobz, Int32(n), &a, &r.s, &r.u, &r.vt, threads: Int32(threads))
    } else {
      var iwork = [Int32](repeating: 0, count: 8 * n)
      var size: T = 0
      let n32 = Int32(n)
      _ = T.gesdd(jobz, n32, n32, &a, n32, &r.s, &r.u, n32, &r.vt, n32, &size, -1, &iwork)
      var work = [T](repeating: 0, count: Int(size))
      r.code = T.gesdd(jobz, n32, n32, &a, n32, &r.s, &r.u, n32, &r.vt, n32, &work, Int32(work.count), &iwork)
    }
    return r
  }

  static func expectSameSVD<T: SVDScalar>(
    _ kernel: BidiagonalSVD<T>, _ lapack: BidiagonalSVD<T>, n: Int, tolerance: Double, _ label: String
  ) {
    #expect(kernel.code == 0 && lapack.code == 0, "\(label): info")
    #expect(largestDifference(kernel.s, lapack.s) <= tolerance * Double(n), "\(label): values")
    #expect(largestDifference(kernel.u.map(\.magnitude), lapack.u.map(\.magnitude)) <= tolerance * 100, "\(label): U")
    #expect(
      largestDifference(kernel.vt.map(\.magnitude), lapack.vt.map(\.magnitude)) <= tolerance * 100, "\(label): Vt")
  }

  @Test("the square SVD's phases on 1, 2 and 3 threads match ?gesdd", arguments: [170, 400])
  func squareMatchesGesdd(n: Int) {
    let single = Self.matrix(Float.self, m: n, n: n, seed: UInt64(n) + 7)
    let double = single.map { Double($0) }
    let (singleLAPACK, doubleLAPACK) = (
      Self.squareSVD(single, n: n, threads: nil), Self.squareSVD(double, n: n, threads: nil)
    )
    for threads in [1, 2, 3] {
      Self.expectSameSVD(
        Self.squareSVD(double, n: n, threads: threads), doubleLAPACK, n: n, tolerance: 1e-12, "float64 \(threads)")
      Self.expectSameSVD(
        Self.squareSVD(single, n: n, threads: threads), singleLAPACK, n: n, tolerance: 2e-4, "float32 \(threads)")
    }
  }

  @Test("a runner that runs its chunks one after the other makes a team of one, which finishes")
  func serialRunner() {
    let n = 400
    let values = Self.matrix(Double.self, m: n, n: n, seed: 21)
    let lapack = Self.squareSVD(values, n: n, threads: nil)
    kindling_team_use { chunks, chunk, argument in
      for t in 0..<chunks { chunk!(argument, t) }
    }
    let serial = Self.squareSVD(values, n: n, threads: 2)
    Linalg.useWorkerPool()
    Self.expectSameSVD(serial, lapack, n: n, tolerance: 1e-12, "serial runner")
  }
}
