import Dispatch
import Glibc
import Synchronization
import Testing

@testable import KindlingTensor

/// The worker pool behind every parallel kernel: each chunk runs exactly once, from any number
/// of callers at a time, and kernels nested in a chunk still run.
@Suite("Parallel chunks")
struct ParallelTests {
  @Test("every range is covered exactly once, for any count and thread count")
  func coverage() {
    for count in [0, 1, 2, 3, 7, 1000, 65_537] {
      for threads in [1, 2, 3, 8] {
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
        hits.initialize(repeating: 0)
        defer { hits.deallocate() }
        let shared = UncheckedSendable(value: hits)
        Parallel.ranges(count, threads: threads) { range in
          for i in range { shared.value[i] += 1 }
        }
        #expect(hits.prefix(count).allSatisfy { $0 == 1 }, "count \(count), threads \(threads)")
      }
    }
  }

  @Test("jobs inside and after keepingAwake scopes, nested and on other threads, each run every chunk once")
  func keepingAwake() {
    let total = Atomic<Int>(0)
    for round in 0..<200 {
      // Every few rounds, a pause past the polling window lets the workers fall asleep first.
      if round % 20 == 0 { usleep(200) }
      let job: @Sendable () -> Void = {
        Parallel.perform(iterations: 2) { chunk in total.add(chunk + 1, ordering: .relaxed) }
      }
      if round % 3 == 0 { job() } else { Parallel.keepingAwake { Parallel.keepingAwake(job) } }
      if round % 7 == 0 {
        // A scope opened on another thread while a job runs.
        DispatchQueue.concurrentPerform(iterations: 2) { i in
          if i == 0 { Parallel.keepingAwake { _ = usleep(50) } } else { job() }
        }
      }
    }
    // 200 jobs of 1 + 2, plus the 29 jobs of rounds divisible by 7.
    #expect(total.load(ordering: .relaxed) == 200 * 3 + 29 * 3)
  }

  @Test("inside keepingAwake no worker sleeps, even past the polling window")
  func scopeKeepsWorkersPolling() {
    guard Parallel.coreCount > 1 else { return }
    Parallel.keepingAwake {
      // Woken by the scope's start, a sleeping worker needs a moment to leave its wait.
      var waited = 0
      while Parallel.sleepingWorkers > 0 && waited < 2000 {
        usleep(1000)
        waited += 1
      }
      usleep(5_000)  // far past the 300 µs polling window
      #expect(Parallel.sleepingWorkers == 0)
    }
  }

  @Test("many callers at once and kernels nested inside a chunk all finish with the right sums")
  func concurrentAndNested() {
    let total = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 8) { caller in
      for _ in 0..<200 {
        Parallel.perform(iterations: 2) { chunk in
          // A nested kernel: the pool is owned by the outer call, so this one runs elsewhere.
          Parallel.ranges(10, threads: 2) { range in total.add(range.count * (chunk + 1), ordering: .relaxed) }
        }
      }
      _ = caller
    }
    // 8 callers × 200 jobs × (10 × 1 + 10 × 2).
    #expect(total.load(ordering: .relaxed) == 8 * 200 * 30)
  }

  @Test("large elementwise ops split across the pool give the same values as small ones")
  func kernelsAgree() {
    let a = Tensor.randn([300_001], generator: Generator(seed: 9))
    let b = Tensor.randn([300_001], generator: Generator(seed: 10))
    let whole = (a * b + a).sum().item(as: Double.self)
    var pieces = 0.0
    for start in stride(from: 0, to: 300_001, by: 10_000) {
      let n = min(10_000, 300_001 - start)
      let x = a.narrow(dim: 0, start: start, length: n), y = b.narrow(dim: 0, start: start, length: n)
      pieces += (x * y + x).sum().item(as: Double.self)
    }
    #expect(abs(whole - pieces) <= 1e-2 * max(1, abs(whole)))
  }

  @Test("inside Parallel.serially every chunk runs on the calling thread, in order")
  func serially() {
    let caller = pthread_self()
    var order: [Int] = []
    var sameThread = true
    Parallel.serially {
      Parallel.perform(iterations: 4) { chunk in
        order.append(chunk)
        sameThread = sameThread && pthread_equal(pthread_self(), caller) != 0
      }
    }
    #expect(order == [0, 1, 2, 3])
    #expect(sameThread)
  }
}
