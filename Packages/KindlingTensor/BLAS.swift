import CKindlingBLAS
import CKindlingOpenBLASCore
import Synchronization

/// The BLAS library KindlingTensor's CPU kernels call (OpenBLAS, from Debian's
/// `libopenblas-dev`), and how many threads a matrix product uses.
///
/// ```swift
/// print(BLAS.configuration)   // OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64
/// BLAS.threadCount = 1        // single-threaded GEMMs, e.g. for reproducible timings
/// ```
public enum BLAS {
  /// OpenBLAS's build description: version, target and options.
  public static var configuration: String { String(cString: openblas_get_config()) }

  /// The CPU kernel family OpenBLAS runs (for example `Haswell`, `Zen`, `Cooperlake`).
  ///
  /// OpenBLAS picks it when it loads, from the CPU's family and model; `OPENBLAS_CORETYPE`
  /// overrides that. On a CPU newer than it knows, OpenBLAS 0.3.21 (Debian 12) falls back to
  /// kernels from before AVX (`Prescott` on Intel, `Barcelona` on AMD), about a quarter as fast as
  /// the AVX-512 ones. Kindling then re-runs OpenBLAS's choice, before `main`, with the newest
  /// family the instruction set supports (``coreReplacement``).
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// The kernel family Kindling gave OpenBLAS when OpenBLAS, not knowing the CPU, fell back to a
  /// family from before AVX (`Cooperlake` on an Emerald Rapids Xeon, for example), or `nil` when
  /// OpenBLAS's own choice stood: it knew the CPU, `OPENBLAS_CORETYPE` was set, or the CPU has
  /// no AVX.
  ///
  /// ```swift
  /// print(BLAS.coreName, BLAS.coreReplacement ?? "OpenBLAS's own choice")   // Cooperlake Cooperlake
  /// ```
  public static var coreReplacement: String? {
    kindling_openblas_core_replacement().map { String(cString: $0) }
  }

  /// Whether `family` is one of OpenBLAS's kernel families from before AVX (`Prescott`,
  /// `Barcelona`, `Nehalem`, ...).
  package static func isPreAVXFamily(_ family: String) -> Bool { kindling_openblas_is_pre_avx_family(family) != 0 }

  /// The kernel family ``coreReplacement`` would give OpenBLAS on this CPU, from its instruction
  /// set, or `nil` below AVX or off x86-64.
  package static var coreForCPU: String? { kindling_openblas_core_for_cpu().map { String(cString: $0) } }

  /// The version number, read from ``configuration`` (`0.3.21`), or `nil` if it has none.
  public static var version: String? {
    let words = configuration.split(separator: " ")
    guard let index = words.firstIndex(of: "OpenBLAS"), index + 1 < words.count else { return nil }
    return String(words[index + 1])
  }

  /// The number of threads one matrix product (matmul, mm, bmm, addmm, Linear, convolution)
  /// runs on; 1 runs each product on the calling thread (`torch.set_num_threads`' counterpart
  /// for BLAS work). The default is OpenBLAS's: `OPENBLAS_NUM_THREADS` when set, else every core.
  ///
  /// Kindling splits a large product itself into this many blocks, one single-threaded OpenBLAS
  /// call each, run on the worker threads that every other parallel kernel uses; OpenBLAS's own
  /// thread pool is set to one thread the first time Kindling calls it and stays there (its idle
  /// threads spun against Kindling's workers and slowed two-thread training steps down), except
  /// for products of 512 or more on every side and KindlingLinalg's LAPACK calls on matrices of
  /// order 512 and up, which run on this many of OpenBLAS's threads
  /// (``withOpenBLASThreads(_:_:)``): there OpenBLAS's threads share their packed panels.
  /// Products under 2¹⁸ multiply-adds are never split.
  ///
  /// - Precondition: set to 1 or more.
  public static var threadCount: Int {
    get {
      threadCountOverride.value ?? requestedThreads.load(ordering: .relaxed)
    }
    set {
      precondition(newValue >= 1, "BLAS.threadCount must be at least 1, but got \(newValue)")
      requestedThreads.store(newValue, ordering: .relaxed)
    }
  }

  /// Runs `body` with ``threadCount`` reading `threads` on the calling thread only; every other
  /// thread keeps reading the shared setting. For tests that compare thread counts while other
  /// tests run: the work a product or a convolution shares out is sized on the calling thread.
  ///
  /// ```swift
  /// let one = BLAS.withThreadCount(1) { conv(x) }   // the same as conv(x) on two threads, up to rounding
  /// ```
  package static func withThreadCount<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    precondition(threads >= 1, "BLAS.withThreadCount needs at least 1 thread, but got \(threads)")
    return try threadCountOverride.with(threads, body)
  }

  /// The calling thread's ``withThreadCount(_:_:)`` value (`nil` outside one).
  private static let threadCountOverride = ThreadLocalWord()

  /// ``threadCount``; its first use reads OpenBLAS's thread count (its default) and then sets
  /// OpenBLAS to one thread.
  private static let requestedThreads = Atomic<Int>(pinnedOpenBLASDefault)

  /// OpenBLAS's default thread count, read once before OpenBLAS is set to one thread.
  private static let pinnedOpenBLASDefault: Int = {
    _ = coreReplacement  // a reference to CKindlingOpenBLASCore, so no linker drops its load-time constructor
    let initial = max(1, Int(openblas_get_num_threads()))
    openblas_set_num_threads(1)
    // One buffer per product Kindling's split runs at once (openblas_buffers.c says why; 1 MB
    // sufficed where measured, 4 MB leaves room).
    touchScratchBuffers(min(initial, 16), bytes: 4 << 20)
    return initial
  }()

  /// Writes the first `bytes` (at most OpenBLAS's buffer size, 32 MB or more) of `count` of
  /// OpenBLAS's scratch buffers, those `count` concurrent single-threaded calls take; nothing when
  /// this OpenBLAS does not export its buffer functions. Their contents are scratch: no product
  /// reads what it did not write.
  package static func touchScratchBuffers(_ count: Int, bytes: Int) {
    kindling_openblas_touch_buffers(Int32(clamping: count), bytes)
  }

  /// Makes sure OpenBLAS runs on one thread: call before any OpenBLAS routine (the GEMMs and
  /// KindlingLinalg's LAPACK calls do), since the first Kindling call into OpenBLAS may come
  /// before anything reads ``threadCount``.
  @inline(__always)
  package static func pinOpenBLAS() { _ = pinnedOpenBLASDefault }

  /// Runs `body` with OpenBLAS's own thread pool at `threads` threads (``threadCount`` unless
  /// given), then sets it back to one: for LAPACK routines on large matrices, whose BLAS calls Kindling cannot split
  /// itself. Calls that overlap share the setting; the last one out restores one thread. While
  /// it runs, products that other threads start may also use OpenBLAS's threads.
  ///
  /// ```swift
  /// BLAS.withOpenBLASThreads { LAPACKE_spotrf(…) }   // a 1024×1024 Cholesky on every core
  /// ```
  package static func withOpenBLASThreads<R>(_ threads: Int = threadCount, _ body: () throws -> R) rethrows -> R {
    pinOpenBLAS()
    guard threads > 1 else { return try body() }
    openBLASWideCalls.withLock { calls in
      if calls == 0 { openblas_set_num_threads(Int32(threads)) }
      calls += 1
    }
    defer {
      openBLASWideCalls.withLock { calls in
        calls -= 1
        if calls == 0 { openblas_set_num_threads(1) }
      }
    }
    return try body()
  }

  /// The ``withOpenBLASThreads(_:_:)`` calls running now.
  private static let openBLASWideCalls = Mutex<Int>(0)

  /// Whether OpenBLAS is back on one thread, or some ``withOpenBLASThreads(_:_:)`` call (on any
  /// thread) is still running: what tests can check while other tests run such calls.
  package static var openBLASIsPinnedOrWide: Bool {
    openBLASWideCalls.withLock { calls in calls > 0 || openblas_get_num_threads() == 1 }
  }

  /// The threads OpenBLAS's own pool runs a call on now: 1, except inside
  /// ``withOpenBLASThreads(_:_:)``.
  package static var openBLASThreadCount: Int { Int(openblas_get_num_threads()) }

  /// The number of processors OpenBLAS sees.
  public static var processorCount: Int { Int(openblas_get_num_procs()) }
}
