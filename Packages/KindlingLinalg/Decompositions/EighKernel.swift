import KindlingTensor

/// The symmetric eigensolver on every matrix of `matrices` (`[..., n, n]`, column-major, the
/// triangle `upper` names), which it overwrites with the eigenvectors when `vectors` is true;
/// returns the ascending eigenvalues (`[..., n]`) and `info` per matrix.
///
/// It is LAPACK's `?syevd`, and for eigenvectors of order ``splitOrder`` and up on more than one
/// thread (above ``smallReductionOrder`` on one), `?syevd`'s three phases called one by one (one
/// thread, or eigenvalues only, in ``smallSerialOrders``: the same phases unsplit,
/// ``serial(_:_:n:uplo:)``):
/// 1. `?sytrd`, the reduction to tridiagonal form (Kindling's unblocked kernel up to
///    ``smallReductionOrder``, above it its blocked one for the upper triangle, split across
///    threads from ``teamReductionOrder``);
/// 2. the tridiagonal divide and conquer, Kindling's (`kindling_stedc_*`, with a vectorized
///    secular-equation solver): both halves of the top cut solved at once on two threads, their
///    merge split across threads too (``tridiagonalEigen(_:_:_:n:threads:)``);
/// 3. `?ormtr`, the reflectors applied to the eigenvectors, from ``ormtrSplitOrder`` on column
///    blocks in parallel, one OpenBLAS thread each. It is about half of the time and scales
///    poorly on OpenBLAS's own threads; the blocks are independent, so the results are the same
///    bits. Measured on 2 cores, float32, best of several: at n = 1024 59.8 ms on one thread,
///    43.4 ms on OpenBLAS's two, 29.5 ms split; at n = 256 790 µs, 1305 µs and 456 µs; at 128
///    115, 324 and 88 µs. From ``teamReductionOrder`` the upper triangle's reflectors are applied
///    by Kindling's kernel (`kindling_ormtr_upper_*`), which forms each block's factor once
///    for all threads instead of once per column block.
///
/// Threads: `?sytrd` (below ``teamReductionOrder`` or for the lower triangle) and `?syevd` run on
/// OpenBLAS's threads from ``Linalg/wideOrder`` up (see ``Linalg/lapackDispatch(_:_:op:order:)``,
/// which eigh calls with order 0 for that reason); the splits run on Kindling's pool.
struct EighKernel: LAPACKVisitor {
  let matrices: Tensor
  let upper: Bool, vectors: Bool
  /// Whether eigenvectors of order ``splitOrder`` and up may be computed phase by phase (tests
  /// turn it off to compare with `?syevd`).
  var split = true

  /// The order from which eigenvectors are computed phase by phase, the tridiagonal problem's
  /// top divide-and-conquer step split across two threads.
  static let splitOrder = 64
  /// Up to this order, the reduction to tridiagonal form runs in Kindling's unblocked kernel
  /// (`kindling_sytrd_*`) instead of `?sytrd`. Measured from C on one thread, float32, best of
  /// 100: n = 64 32 against 63 µs, n = 100 94 against 157 µs; at 256 `?sytrd`'s blocked code is
  /// faster.
  static let smallReductionOrder = 128
  /// The orders at which a matrix that is not split (one thread, below ``splitOrder``, or
  /// eigenvalues only) takes ``serial(_:_:n:uplo:)``: `?syevd`'s phases with
  /// Kindling's reduction. Below 16 `?syevd`'s own unblocked reduction costs as little.
  static let smallSerialOrders = 16...smallReductionOrder
  /// Above ``smallReductionOrder`` the upper triangle is reduced by Kindling's blocked kernel
  /// (`kindling_sytrd_blocked_upper_*`; the lower one by `?sytrd`), from this order split across
  /// threads, each owning a range of columns that stays in its core's cache. From C on 2 cores,
  /// float32, best of several: on one thread against `ssytrd` on one, n = 160 0.41–0.49 against
  /// 0.51–0.60 ms, 256 1.23 against 1.40 ms, 384 3.2–3.4 against 3.5–4.5 ms (its product with
  /// the symmetric matrix reads each column once, where `?symv` reads the block above the
  /// diagonal twice); split on two threads against `ssytrd` on two OpenBLAS threads, n = 512 8.1
  /// against 8.9 ms, 768 20.0 against 23.8 ms, 1024 38.7 against 48.5 ms.
  static let teamReductionOrder = 512
  /// The order from which `?ormtr` is split too (at 64 the split gains nothing: 25 against
  /// 31 µs).
  static let ormtrSplitOrder = 128

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
      // Split across threads, the pool's workers poll for the whole call instead of sleeping
      // through each serial stretch and waking late for the next split.
      if split, vectors, n >= Self.splitOrder, threads > 1 || n > Self.smallReductionOrder,
        let code = threads > 1
          ? Parallel.keepingAwake({ phased(ai, wi, n: n, uplo: uplo, threads: threads) })
          : phased(ai, wi, n: n, uplo: uplo, threads: 1)
      {
        info[i] = code
      } else if split, Self.smallSerialOrders.contains(n), let code = serial(ai, wi, n: n, uplo: uplo) {
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
    return Linalg.onOpenBLASThreads(order: n) {
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
    Linalg.teamRunner
    let n32 = Int32(n)
    let e = UnsafeMutablePointer<T>.allocate(capacity: n)
    let tau = UnsafeMutablePointer<T>.allocate(capacity: n)
    let z = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    defer {
      e.deallocate()
      tau.deallocate()
      z.deallocate()
    }
    if n <= Self.smallReductionOrder {
      T.sytrdSmall(uplo, n32, a, w, e, tau)
    } else if uplo == LAPACKFlag.upper,
      T.sytrdBlockedUpper(n32, a, w, e, tau, threads: Int32(n >= Self.teamReductionOrder ? threads : 1)) == 0
    {
      // Reduced by Kindling's blocked kernel, from teamReductionOrder with its columns split
      // between threads.
    } else {
      Linalg.onOpenBLASThreads(order: n) {
        var reduce = Workspace<T> { work, _ in T.sytrd(uplo, n32, a, n32, w, e, tau, work, -1) }
        let lwork = reduce.lwork
        _ = reduce.run { work, _ in T.sytrd(uplo, n32, a, n32, w, e, tau, work, lwork) }
      }
    }
    let tridiagonal = Self.tridiagonalEigen(w, e, z, n: n, threads: threads)
    guard tridiagonal == 0 else { return tridiagonal }
    let ormtrThreads = n >= Self.ormtrSplitOrder ? threads : 1
    // Large matrices, upper triangle: Kindling's kernel forms each block's factor once for all
    // threads (eigh 1024 on two threads: 98–103 against 106–107 ms); below, `?ormtr` per block
    // of columns (at 256 the same time, at 64 the kernel's blocked path was slower).
    if uplo == LAPACKFlag.upper, n >= Self.teamReductionOrder,
      T.ormtrUpper(n32, a, tau, z, threads: Int32(ormtrThreads)) == 0
    {
      a.update(from: z, count: n * n)
      return 0
    }
    // `?ormtr` writes into the reflectors while it works (it sets each reflector's leading
    // element to one and restores it), so every block but the first gets its own copy.
    let shared = UncheckedSendable(value: (a, UnsafePointer(tau), z))
    Parallel.ranges(n, threads: ormtrThreads) { columns in
      let (original, tau, z) = shared.value
      let own = columns.lowerBound == 0 ? nil : UnsafeMutablePointer<T>.allocate(capacity: n * n)
      defer { own?.deallocate() }
      own?.update(from: original, count: n * n)
      Self.ormtr(uplo, n: n, reflectors: own ?? original, tau: tau, z: z, columns: columns)
    }
    a.update(from: z, count: n * n)
    return 0
  }

  /// `?syevd` on one thread for a small matrix, with Kindling's reduction (`?sytrd`'s result,
  /// faster here): then Kindling's divide and conquer (`?stedc` with `compz` `N` for eigenvalues
  /// only, which calls `?sterf` as `?syevd` does) and `?ormtr`. `info`, or `nil` (nothing done)
  /// when the matrix needs `?syevd`'s scaling.
  private func serial<T: LAPACKScalar>(
    _ a: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>, n: Int, uplo: CChar
  ) -> Int32? {
    guard Self.inSafeRange(a, n: n, upper: uplo == LAPACKFlag.upper) else { return nil }
    let e = UnsafeMutablePointer<T>.allocate(capacity: n)
    let tau = UnsafeMutablePointer<T>.allocate(capacity: n)
    defer {
      e.deallocate()
      tau.deallocate()
    }
    T.sytrdSmall(uplo, Int32(n), a, w, e, tau)
    guard vectors else { return Self.stedc(w, e, a, n: n, ldz: n, vectors: false) }
    let z = UnsafeMutablePointer<T>.allocate(capacity: n * n)
    defer { z.deallocate() }
    let code = Self.tridiagonalEigen(w, e, z, n: n, threads: 1)
    guard code == 0 else { return code }
    Self.ormtr(uplo, n: n, reflectors: a, tau: tau, z: z, columns: 0..<n)
    a.update(from: z, count: n * n)
    return 0
  }

  /// `Z = Q Z` on the columns `columns` of the `n`×`n` matrix `z` for `Q` from `?sytrd`'s
  /// reflectors (`?ormtr`, side `L`).
  private static func ormtr<T: LAPACKScalar>(
    _ uplo: CChar, n: Int, reflectors: UnsafeMutablePointer<T>, tau: UnsafePointer<T>, z: UnsafeMutablePointer<T>,
    columns: Range<Int>
  ) {
    // Not `?ormtr`'s own workspace query: in LAPACK 3.11 it leaves out the 65×64 block
    // reflector `?ormql`/`?ormqr` also keep there, which then fall back to one reflector at a
    // time (`?larf`, level 2; at n = 256 that made the whole eigh slower than `?syevd`). This
    // is their optimal size with the largest block, 64.
    let lwork = columns.count * 64 + 65 * 64
    let work = UnsafeMutablePointer<T>.allocate(capacity: lwork)
    defer { work.deallocate() }
    let n32 = Int32(n)
    _ = T.ormtr(
      uplo, n32, Int32(columns.count), reflectors, n32, tau, z + columns.lowerBound * n, n32, work, Int32(lwork))
  }

  /// Eigenvalues (over `d`, ascending) and eigenvectors (into `z`, `n`×`n`) of the symmetric
  /// tridiagonal matrix with diagonal `d` and off-diagonal `e` (overwritten): `?stedc`'s result
  /// from Kindling's divide and conquer (`kindling_stedc_*`), whose merges find the roots of
  /// the secular equation with vectorized passes where `?laed4` loops one term at a time (the
  /// roots of a 256-term equation: 210 against 780 µs, float32). The top cut's two halves are
  /// solved at once on two threads, and the top merge (`kindling_laed1_*`, about half of the
  /// work) splits across `threads` from order 256. `?stedc` runs where the kernel
  /// declines (a zero or non-finite matrix) or runs out of memory.
  private static func tridiagonalEigen<T: LAPACKScalar>(
    _ d: UnsafeMutablePointer<T>, _ e: UnsafeMutablePointer<T>, _ z: UnsafeMutablePointer<T>, n: Int, threads: Int
  ) -> Int32 {
    let saved = Array(UnsafeBufferPointer(start: d, count: n)) + Array(UnsafeBufferPointer(start: e, count: n - 1))
    let code = T.stedcTeam(Int32(n), d, e, z, Int32(n), threads: Int32(threads))
    guard code < 0 else { return code }
    d.update(from: saved, count: n)
    e.update(from: Array(saved[n...]), count: n - 1)
    return stedc(d, e, z, n: n, ldz: n)
  }

  /// `?stedc` with eigenvectors of the tridiagonal matrix (`compz` `I`) into `z` (leading
  /// dimension `ldz`), or (`vectors` false) the eigenvalues only (`compz` `N`, `z` not read).
  private static func stedc<T: LAPACKScalar>(
    _ d: UnsafeMutablePointer<T>, _ e: UnsafeMutablePointer<T>, _ z: UnsafeMutablePointer<T>, n: Int, ldz: Int,
    vectors: Bool = true
  ) -> Int32 {
    let (compz, n32, ldz32) = (vectors ? LAPACKFlag.tridiagonalVectors : LAPACKFlag.no, Int32(n), Int32(ldz))
    var solve = Workspace<T> { work, iwork in T.stedc(compz, n32, d, e, z, ldz32, work, -1, iwork, -1) }
    let (lwork, liwork) = (solve.lwork, solve.liwork)
    return solve.run { work, iwork in T.stedc(compz, n32, d, e, z, ldz32, work, lwork, iwork, liwork) }
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

}
