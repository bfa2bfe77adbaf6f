import Foundation
import Synchronization
import Testing

@testable import KindlingTensor

@Suite("BLAS binding")
struct BLASTests {
  @Test("OpenBLAS reports its configuration and version")
  func configuration() throws {
    #expect(BLAS.configuration.hasPrefix("OpenBLAS"))
    let version = try #require(BLAS.version)
    #expect(version.split(separator: ".").count >= 2, "version \(version)")
    #expect(!BLAS.coreName.isEmpty)
    #expect(BLAS.processorCount >= 1)
  }

  @Test("writing OpenBLAS's scratch buffers, from several threads at once, leaves products exact")
  func scratchBuffers() {
    // Small integers: every product below is exact in float32, whatever the summation order.
    let a = Tensor.randint(-4, 5, [96, 80]).to(.float32), b = Tensor.randint(-4, 5, [80, 72]).to(.float32)
    let expected = a.to(.int64).matmul(b.to(.int64))
    BLAS.touchScratchBuffers(0, bytes: 1 << 20)
    Parallel.perform(iterations: 3) { _ in BLAS.touchScratchBuffers(2, bytes: 1 << 20) }
    for threads in [1, 2] {
      let product = BLAS.withThreadCount(threads) { a.matmul(b) }
      #expect(product.to(.int64).equal(expected), "\(threads) threads")
    }
  }

  @Test("withThreadCount sets the thread count for the calling thread only, and nests")
  func scopedThreads() {
    // 97: no value another test sets the shared count to (1 or the processor count).
    BLAS.withThreadCount(97) {
      #expect(BLAS.threadCount == 97)
      let seenElsewhere = Mutex(0)
      let other = Thread { seenElsewhere.withLock { $0 = BLAS.threadCount } }
      other.start()
      while !other.isFinished { usleep(100) }
      #expect(seenElsewhere.withLock { $0 } != 97)
      BLAS.withThreadCount(1) { #expect(BLAS.threadCount == 1) }
      #expect(BLAS.threadCount == 97)
    }
    #expect(BLAS.threadCount != 97)
  }

  @Test("the thread count can be set and read back")
  func threads() {
    let original = BLAS.threadCount
    defer { BLAS.threadCount = original }
    BLAS.threadCount = 1
    #expect(BLAS.threadCount == 1)
    BLAS.threadCount = max(1, BLAS.processorCount)
    #expect(BLAS.threadCount == max(1, BLAS.processorCount))
  }
}

@Suite("OpenBLAS kernel family")
struct OpenBLASCoreTests {
  @Test("OpenBLAS never runs pre-AVX kernels on a CPU with AVX unless OPENBLAS_CORETYPE asks for them")
  func noPreAVXFallback() {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let best = BLAS.coreForCPU else { return }
    #expect(!BLAS.isPreAVXFamily(BLAS.coreName), "OpenBLAS runs \(BLAS.coreName) on a CPU that supports \(best)")
    if let replacement = BLAS.coreReplacement {
      #expect(replacement == best)
      #expect(BLAS.coreName == replacement)
    }
  }

  @Test("the family picked for this CPU is one OpenBLAS 0.3.21 has, and the fallbacks are recognised")
  func familyNames() {
    #expect(BLAS.isPreAVXFamily("Prescott") && BLAS.isPreAVXFamily("Barcelona") && BLAS.isPreAVXFamily("Nehalem"))
    #expect(!BLAS.isPreAVXFamily("Haswell") && !BLAS.isPreAVXFamily("Zen") && !BLAS.isPreAVXFamily("Cooperlake"))
    guard let best = BLAS.coreForCPU else { return }
    #expect(["Cooperlake", "SkylakeX", "Haswell", "Sandybridge"].contains(best))
    #expect(!BLAS.isPreAVXFamily(best))
  }
}
