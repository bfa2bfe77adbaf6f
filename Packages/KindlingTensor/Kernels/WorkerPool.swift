import CKindlingVector
import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs the chunks of a parallel kernel: `body(0)` on the calling thread and `body(1)`, … on
/// the pool's worker threads, returning when every chunk is done (what
/// `DispatchQueue.concurrentPerform` does, with workers that are already awake).
///
/// Every parallel kernel of Kindling splits its work through here. After a chunk, a worker polls
/// for the next job for ``spinNanoseconds`` (yielding the core to any other ready thread between
/// polls) before it sleeps: kernels run back to back (a
/// training step is hundreds of them), and a sleeping thread takes tens of microseconds to wake,
/// which on a 1M-element add (130 µs) cost as much as the work it was to share (measured: 123 µs
/// with Dispatch's workers, 75 µs with polling ones). A caller that finds the pool busy (another
/// thread's kernel, or a kernel nested inside a chunk) runs on Dispatch's threads instead.
///
/// ```swift
/// Parallel.perform(iterations: 2) { chunk in sum(of: halves[chunk]) }
/// ```
package enum Parallel {
  /// How long an idle worker polls for the next job before sleeping: 300 µs, about libgomp's
  /// default spin (PyTorch's workers; OpenBLAS's spin far longer). With 30 µs, a worker slept
  /// between the samples of a 128×128 product on a 2-vCPU virtual machine, woke too late to
  /// take its half (the caller then takes it, so the product ran on one thread), and whole
  /// runs of `matmul.128.t2` took 140 µs a product; with 300 µs, 64–77 µs in five runs of five.
  static let spinNanoseconds: UInt64 = 300_000

  /// The number of cores kernels split their work across.
  package static let coreCount = max(1, System.activeProcessorCount)

  /// Calls `body` with disjoint ranges covering `0..<count`, on up to `threads` threads (one
  /// range, on this thread, when `threads` is 1). The ranges are disjoint, so a body that writes
  /// only its own range needs no locks.
  package static func ranges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let threads = Swift.min(threads, count)
    if threads <= 1 {
      body(0..<count)
      return
    }
    let chunk = (count + threads - 1) / threads
    perform(iterations: threads) { t in
      let start = t * chunk
      if start < count { body(start..<Swift.min(count, start + chunk)) }
    }
  }

  /// Runs `body` with every kernel on this thread running its chunks one after the other, for
  /// threads that are themselves one of several working in parallel (a data loader's workers):
  /// nested splitting would only make them wait for each other.
  package static func serially<R>(_ body: () throws -> R) rethrows -> R {
    try serialFlag.with(1, body)
  }

  /// Set (non-nil) on a thread inside ``serially(_:)``.
  private static let serialFlag = ThreadLocalWord()

  /// Runs `body` with the pool's workers polling (not sleeping) until it returns, for a call
  /// that alternates serial stretches longer than ``spinNanoseconds`` with splits: a sleeping
  /// worker started its chunk 100–400 µs late on a busy virtual machine (a 256-order `eigh`
  /// splits four times). Afterwards the workers sleep after the usual window. Scopes nest, and
  /// may run on several threads at once.
  ///
  /// ```swift
  /// Parallel.keepingAwake {
  ///   reduceSerially()                                            // 1.5 ms
  ///   Parallel.perform(iterations: 2) { half in solve(half) }    // both halves start at once
  /// }
  /// ```
  package static func keepingAwake<R>(_ body: () throws -> R) rethrows -> R {
    WorkerPool.shared.enterAwakeScope()
    defer { WorkerPool.shared.leaveAwakeScope() }
    return try body()
  }

  /// The pool's workers asleep now, waiting for a job (tests read it).
  static var sleepingWorkers: Int { WorkerPool.shared.sleepingWorkers }

  /// Runs `body(i)` for every `i` in `0..<iterations`, in parallel, and returns when all are done.
  package static func perform(iterations: Int, _ body: (Int) -> Void) {
    if iterations <= 1 || serialFlag.value != nil {
      for i in 0..<max(iterations, 0) { body(i) }
      return
    }
    if WorkerPool.shared.run(iterations, body) { return }
    let mode = kindling_flush_denormal_get()
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(value: body)
      DispatchQueue.concurrentPerform(iterations: iterations) { i in withFlushDenormalMode(mode) { shared.value(i) } }
    }
  }
}

/// One worker thread per core but the first, polling a generation counter for jobs.
///
/// Worker `w` runs chunk `w` of a job, if it claims it first: a slot per worker holds the
/// generation it was last claimed for and by whom, and the caller, once its own chunk is done,
/// claims every chunk no worker has started and runs it itself. A worker that the OS has not
/// scheduled (another process, or any other thread, holds its core) then costs nothing but
/// parallelism, never a wait.
private final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool(workers: Parallel.coreCount - 1)

  /// A worker's claim on its chunk: `generation * 4 + state`, state `claimed` by the worker,
  /// `taken` by the caller, or `done` by the worker; a generation below the current one means
  /// nobody has claimed it yet.
  private final class Slot {
    static let claimed = 1, taken = 2, done = 3
    let word = Atomic<Int>(0)
  }

  let workerCount: Int
  /// Moves on by one for every job; workers wait for it to change.
  private let generation = Atomic<Int>(0)
  /// Whether a caller owns the pool.
  private let busy = Atomic<Bool>(false)
  /// Workers asleep on `condition`.
  private let sleepers = Atomic<Int>(0)
  /// Callers inside ``Parallel/keepingAwake(_:)``: while there are any, idle workers poll.
  private let awakeScopes = Atomic<Int>(0)
  private let slots: [Slot]
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  /// The current job and its chunk count: written by the owning caller before it moves
  /// `generation` on, read by a worker only once it has claimed its chunk of that generation
  /// (so the caller, which waits for claimed chunks, has not moved on).
  private var job: ((Int) -> Void)?
  private var chunks = 0
  /// The caller's flush-to-zero state (``setFlushDenormal(_:)``), which workers take on for its
  /// chunks; written and read as `job` is.
  private var jobFlushDenormal: Int32 = 0

  private init(workers: Int) {
    workerCount = max(0, workers)
    slots = (0..<workerCount).map { _ in Slot() }
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
    for index in 0..<workerCount { start(worker: index + 1) }
  }

  /// Runs chunks `0..<count` (`0` here, the rest on workers or here); `false`, running nothing,
  /// when the pool is owned by another caller or has too few workers.
  func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
    guard count - 1 <= workerCount,
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    withoutActuallyEscaping(body) { body in
      job = body
      chunks = count
      jobFlushDenormal = kindling_flush_denormal_get()
      let current = generation.add(1, ordering: .sequentiallyConsistent).newValue
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
      }
      body(0)
      for chunk in 1..<count {
        let slot = slots[chunk - 1]
        if claim(slot, for: current, as: Slot.taken) {
          body(chunk)
          continue
        }
        var polls = 0
        while slot.word.load(ordering: .acquiring) != current * 4 + Slot.done {
          polls += 1
          if polls & 1023 == 0 { sched_yield() } else { kindling_cpu_relax() }
        }
      }
      job = nil
    }
    busy.store(false, ordering: .releasing)
    return true
  }

  /// Claims `slot` for generation `current` (as the worker or as the caller), unless somebody
  /// already has.
  private func claim(_ slot: Slot, for current: Int, as state: Int) -> Bool {
    var word = slot.word.load(ordering: .acquiring)
    while word / 4 < current {
      let (exchanged, found) = slot.word.compareExchange(
        expected: word, desired: current * 4 + state, ordering: .acquiringAndReleasing)
      if exchanged { return true }
      word = found
    }
    return false
  }

  private func start(worker index: Int) {
    let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { raw in
        let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
        context.pool.work(as: context.index)
      }, context)
    precondition(status == 0, "Parallel: could not start a worker thread (pthread_create returned \(status))")
    pthread_detach(thread)
  }

  /// A worker's life: wait for a job, claim its chunk, run it (if the job has one for it),
  /// report it done.
  private func work(as index: Int) -> Never {
    let slot = slots[index - 1]
    var seen = 0
    while true {
      seen = nextGeneration(after: seen)
      guard claim(slot, for: seen, as: Slot.claimed) else { continue }
      if index < chunks, let job {
        adoptFlushDenormalMode(jobFlushDenormal)  // kept until another caller's differs
        job(index)
      }
      slot.word.store(seen * 4 + Slot.done, ordering: .releasing)
    }
  }

  /// Keeps idle workers polling until the matching ``leaveAwakeScope()``.
  func enterAwakeScope() {
    awakeScopes.add(1, ordering: .sequentiallyConsistent)
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      pthread_mutex_lock(mutex)
      pthread_cond_broadcast(condition)
      pthread_mutex_unlock(mutex)
    }
  }

  func leaveAwakeScope() {
    awakeScopes.subtract(1, ordering: .sequentiallyConsistent)
  }

  /// Workers asleep now, waiting for a job (tests read it).
  var sleepingWorkers: Int { sleepers.load(ordering: .relaxed) }

  /// Polls for a generation after `seen` for ``Parallel/spinNanoseconds`` (or longer, while a
  /// caller is inside ``Parallel/keepingAwake(_:)``), then sleeps until one comes or a caller
  /// asks to keep awake.
  private func nextGeneration(after seen: Int) -> Int {
    while true {
      let deadline = DispatchTime.now().uptimeNanoseconds + Parallel.spinNanoseconds
      var polls = 0
      while true {
        let current = generation.load(ordering: .acquiring)
        if current != seen { return current }
        polls += 1
        if polls & 15 == 0 && awakeScopes.load(ordering: .relaxed) == 0
          && DispatchTime.now().uptimeNanoseconds > deadline
        {
          break
        }
        // Yield rather than only pause: on two cores, any other ready thread (the program's own,
        // another process's) would be held off this core for the whole polling window. (OpenBLAS's
        // threads were such threads until matrix products moved onto this pool, BLAS.threadCount.)
        if polls > 64 { sched_yield() } else { kindling_cpu_relax() }
      }
      pthread_mutex_lock(mutex)
      sleepers.add(1, ordering: .sequentiallyConsistent)
      while generation.load(ordering: .sequentiallyConsistent) == seen
        && awakeScopes.load(ordering: .sequentiallyConsistent) == 0
      {
        pthread_cond_wait(condition, mutex)
      }
      sleepers.subtract(1, ordering: .sequentiallyConsistent)
      pthread_mutex_unlock(mutex)
      let current = generation.load(ordering: .acquiring)
      if current != seen { return current }
    }
  }
}

private final class WorkerContext {
  let pool: WorkerPool
  let index: Int
  init(pool: WorkerPool, index: Int) {
    self.pool = pool
    self.index = index
  }
}
