import KindlingTensor

/// The symmetric eigensolver on every matrix of `matrices` (`[..., n, n]`, column-major, the
/// triangle `upper` names), which it overwrites with the eigenvectors when `vectors` is true;
/// returns the ascending eigenvalues (`[..., n]`) and `info` per matrix.
///
/// It is LAPACK's `?syevd`, and for eigenvectors of order ``splitOrder`` and up on more than one
/// thread, `?syevd`'s three phases called one by one: `?sytrd` (reduction to tridiagonal form),
/// `?stedc` (divide and conquer on the tridiagonal matrix), then `?ormtr` (the reflectors applied
/// to its eigenvectors) on column blocks of the eigenvectors in parallel, one OpenBLAS thread
/// each. The last phase is about half of the time and scales poorly on OpenBLAS's own threads;
/// the blocks are independent, so the results are the same bits. Measured on 2 cores, float32,
/// best of several: `?ormtr` at n = 1024 59.8 ms on one thread, 43.4 ms on OpenBLAS's two,
/// 29.5 ms split; at n = 256 790 µs, 1305 µs and 456 µs; at 128 115, 324 and 88 µs.
///
/// Threads: the first two phases (and `?syevd`) run on OpenBLAS's threads from
/// ``Linalg/wideOrder`` up (see ``Linalg/lapackDispatch(_:_:op:order:)``, which eigh calls with
/// order 0 for that reason).
struct EighKernel: LAPACKVisitor {
  let matrices: Tensor
  let upper: Bool, vectors: Bool
  /// Whether eigenvectors of order ``splitOrder`` and up may be computed phase by phase (tests
  /// turn it off to compare with `?syevd`).
  var split = true

  /// The order from which eigenvectors are computed phase by phase (at 64 the split gains
  /// nothing: 25 against 31 µs).
  static let splitOrder = 128

  func visit<T: LAPACKScalar>(_: T.Type) -> (values: Tensor, info: [Int32]) {
    let n = matrices.shape[matrices.rank - 1]
    let count = MatrixChecks.batchCount(matrices)
    let values = Tensor.zeros(Array(matrices.shape.dropLast(2)) + [n], dtype: matrices.dtype)
    var info = [Int32](repeating: 0, count: count)
    guard n > 0 else { return (values, info) }
    let a = matrices.linalgPointer(as: T.self)
    let w = values.linalgPointer(as: T.self)
    let uplo = upper ? LAPACKFlag.upper : LAPACKFlag.lower
    let threads = Swift.min(BLAS.threadCount, Parallel.coreCount)
    for i in 0..<count {
      let (ai, wi) = (a + i * n * n, w + i * n)
      if split, vectors, n >= Self.splitOrder, threads > 1,
        let code = phased(ai, wi, n: n, uplo: uplo, threads: threads)
      {
        info[i] = code
      } else {
        info[i] = syevd(ai, wi, n: n, uplo: uplo)
      }
    }
    return (values, info)
  }

  /// `?syevd` on one matrix.
  private func syevd<T: LAPACKScalar>(_ a: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>, n: Int, uplo: CChar)
    -> Int32
  {
    let jobz = vectors ? LAPACKFlag.vectors : LAPACKFlag.no
    let n32 = Int32(n)
    return Self.onOpenBLASThreads(n) {
      var space = Workspace<T> { work, iwork in T.syevd(jobz, uplo, n32, a, n32, w, work, -1, iwork, -1) }
      let (lwork, liwork) = (space.lwork, space.liwork)
      return space.run { work, iwork in T.syevd(jobz, uplo, n32, a, n32, w, work, lwork, iwork, liwork) }
    }
  }

  /// `?syevd`'s phases on one matrix, the last split into `threads` column blocks; `info`, or
  /// `nil` (nothing done) when the matrix needs `?syevd`'s scaling.
  private func phased<T: LAPACKScalar>(
    _ a: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>, n: Int, uplo: CChar, threads: Int
  ) -> Int32? {
    guard Self.inSafeRange(a, n: n, upper: uplo == LAPACKFlag.upper) else { return nil }
    let n32 = Int32(n)
    let e = UnsafeMutablePointer<T>.allocate(capacity: n)
    let tau = UnsafeMutablePointer<T>.allocate(capacity: n)
    let z = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    defer {
      e.deallocate()
      tau.deallocate()
      z.deallocate()
    }
    let tridiagonal: Int32 = Self.onOpenBLASThreads(n) {
      var reduce = Workspace<T> { work, _ in T.sytrd(uplo, n32, a, n32, w, e, tau, work, -1) }
      let lwork = reduce.lwork
      _ = reduce.run { work, _ in T.sytrd(uplo, n32, a, n32, w, e, tau, work, lwork) }
      let compz = LAPACKFlag.tridiagonalVectors
      var solve = Workspace<T> { work, iwork in T.stedc(compz, n32, w, e, z, n32, work, -1, iwork, -1) }
      let (lw, liw) = (solve.lwork, solve.liwork)
      return solve.run { work, iwork in T.stedc(compz, n32, w, e, z, n32, work, lw, iwork, liw) }
    }
    guard tridiagonal == 0 else { return tridiagonal }
    // `?ormtr` writes into the reflectors while it works (it sets each reflector's leading
    // element to one and restores it), so every block but the first gets its own copy.
    let shared = UncheckedSendable(value: (a, UnsafePointer(tau), z))
    Parallel.ranges(n, threads: threads) { columns in
      let (original, tau, z) = shared.value
      let own = columns.lowerBound == 0 ? nil : UnsafeMutablePointer<T>.allocate(capacity: n * n)
      defer { own?.deallocate() }
      own?.update(from: original, count: n * n)
      let reflectors = own ?? original
      let (block, c) = (Int32(columns.count), z + columns.lowerBound * n)
      // Not `?ormtr`'s own workspace query: in LAPACK 3.11 it leaves out the 65×64 block
      // reflector `?ormql`/`?ormqr` also keep there, which then fall back to one reflector at a
      // time (`?larf`, level 2; at n = 256 that made the whole eigh slower than `?syevd`). This
      // is their optimal size with the largest block, 64.
      let lwork = columns.count * 64 + 65 * 64
      let work = UnsafeMutablePointer<T>.allocate(capacity: lwork)
      defer { work.deallocate() }
      _ = T.ormtr(uplo, n32, block, reflectors, n32, tau, c, n32, work, Int32(lwork))
    }
    a.update(from: z, count: n * n)
    return 0
  }

  /// Whether the largest magnitude in the triangle read lies where `?syevd` does not rescale
  /// the matrix (`[√(safmin / eps), √(eps / safmin)]`, or zero), and is not NaN.
  private static func inSafeRange<T: LAPACKScalar>(_ a: UnsafeMutablePointer<T>, n: Int, upper: Bool) -> Bool {
    var largest: T = 0
    for j in 0..<n {
      let rows = upper ? 0..<(j + 1) : j..<n
      for i in rows {
        let magnitude = a[j * n + i].magnitude
        guard !magnitude.isNaN else { return false }
        largest = Swift.max(largest, magnitude)
      }
    }
    let smallest = (T.leastNormalMagnitude / (T.ulpOfOne / 2)).squareRoot()
    return largest == 0 || (largest >= smallest && largest <= 1 / smallest)
  }

  /// `body` on OpenBLAS's threads from ``Linalg/wideOrder`` up, else on one.
  private static func onOpenBLASThreads<R>(_ n: Int, _ body: () -> R) -> R {
    n >= Linalg.wideOrder ? BLAS.withOpenBLASThreads { body() } : body()
  }
}
