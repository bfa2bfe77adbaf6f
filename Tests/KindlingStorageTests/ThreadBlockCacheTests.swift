#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Testing

@testable import KindlingStorage

/// Runs `body` on a new thread and returns once that thread has exited (its thread-local
/// destructors, which hand a thread's blocks back, have run by then).
private func onNewThread(_ body: @escaping () -> Void) {
  final class Body {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
  }
  let context = Unmanaged.passRetained(Body(body)).toOpaque()
  #if canImport(Glibc)
    var thread = pthread_t()
  #else
    var thread: pthread_t?
  #endif
  let status = pthread_create(
    &thread, nil,
    { context in
      Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
      return nil
    }, context)
  precondition(status == 0, "pthread_create failed with \(status)")
  #if canImport(Glibc)
    pthread_join(thread, nil)
  #else
    pthread_join(thread!, nil)
  #endif
}

/// Sendable storage for what a test thread saw.
private final class Record<Value>: @unchecked Sendable {
  var value: Value
  init(_ value: Value) { self.value = value }
}

@Suite("Thread caches of the CPU allocator")
struct ThreadBlockCacheTests {
  @Test("a thread reuses its own freed small block, and the books count it as cached")
  func reuseOnOneThread() throws {
    let allocator = CachingCPUAllocator(threadCaching: true)
    let seen = Record<[AllocatorStatistics]>([])
    let blocks = Record<[UnsafeMutableRawPointer]>([])
    onNewThread {
      let first = try! allocator.allocate(byteCount: 100)  // a 128-byte block, from the system
      allocator.deallocate(first, byteCount: 100)  // kept by this thread
      seen.value.append(allocator.statistics)
      let second = try! allocator.allocate(byteCount: 120)  // the same class: the kept block
      seen.value.append(allocator.statistics)
      allocator.deallocate(second, byteCount: 120)
      blocks.value = [first, second]
    }
    #expect(blocks.value[0] == blocks.value[1])
    let (afterFree, afterReuse) = (seen.value[0], seen.value[1])
    #expect(afterFree.bytesInUse == 0 && afterFree.blocksInUse == 0 && afterFree.bytesCached == 128)
    #expect(afterFree.allocations == 1 && afterFree.deallocations == 1 && afterFree.systemAllocations == 1)
    #expect(afterReuse.bytesInUse == 128 && afterReuse.blocksInUse == 1 && afterReuse.bytesCached == 0)
    #expect(afterReuse.allocations == 2 && afterReuse.cacheHits == 1 && afterReuse.peakBytesInUse == 128)

    // The thread has exited: its block is in the shared cache, and the books are unchanged.
    let exited = allocator.statistics
    #expect(exited.bytesInUse == 0 && exited.blocksInUse == 0 && exited.bytesCached == 128)
    #expect(exited.allocations == 2 && exited.deallocations == 2 && exited.cacheHits == 1)
    // Another thread gets that block from the shared cache.
    let reused = Record<UnsafeMutableRawPointer?>(nil)
    onNewThread {
      reused.value = try! allocator.allocate(byteCount: 128)
      allocator.deallocate(reused.value!, byteCount: 128)
    }
    #expect(reused.value == blocks.value[0])
    #expect(allocator.statistics.cacheHits == 2 && allocator.statistics.systemAllocations == 1)
  }

  @Test("a thread keeps eight blocks per size class up to 1 KiB; the rest go to the shared cache")
  func boundedPerClass() throws {
    let allocator = CachingCPUAllocator(threadCaching: true)
    let checks = Record<[Bool]>([])
    onNewThread {
      let blocks = (0..<20).map { _ in try! allocator.allocate(byteCount: 64) }
      for block in blocks { allocator.deallocate(block, byteCount: 64) }
      checks.value.append(allocator.statistics.bytesCached == 20 * 64)
      // The first eight freed stay with the thread and come back last freed first; then the
      // shared cache's, last freed first.
      let again = (0..<9).map { _ in try! allocator.allocate(byteCount: 64) }
      checks.value.append(again == Array(blocks[0..<8].reversed()) + [blocks[19]])
      for block in again { allocator.deallocate(block, byteCount: 64) }
      // Blocks above 1 KiB are never kept by a thread.
      let large = try! allocator.allocate(byteCount: 2048)
      allocator.deallocate(large, byteCount: 2048)
      checks.value.append(allocator.statistics.bytesCached == 20 * 64 + 2048)
      // emptyCache gives back the calling thread's blocks too.
      allocator.emptyCache()
      let emptied = allocator.statistics
      checks.value.append(emptied.bytesCached == 0 && emptied.bytesInUse == 0 && emptied.blocksInUse == 0)
      checks.value.append(emptied.allocations == 30 && emptied.deallocations == 30)
    }
    #expect(checks.value == [true, true, true, true, true])
  }

  @Test("the peak leaves out the blocks the calling thread keeps")
  func peak() throws {
    let allocator = CachingCPUAllocator(threadCaching: true)
    let peaks = Record<[Int]>([])
    onNewThread {
      let small = (0..<2).map { _ in try! allocator.allocate(byteCount: 1024) }
      for block in small { allocator.deallocate(block, byteCount: 1024) }  // kept: 2 KiB
      allocator.resetPeak()
      peaks.value.append(allocator.statistics.peakBytesInUse)
      let big = try! allocator.allocate(byteCount: 4096)  // through the shared books
      peaks.value.append(allocator.statistics.peakBytesInUse)
      allocator.deallocate(big, byteCount: 4096)
    }
    #expect(peaks.value == [0, 4096])
  }

  @Test("blocks freed on other threads than they came from keep the books straight")
  func crossThread() throws {
    let allocator = CachingCPUAllocator(threadCaching: true)
    // Each thread frees the blocks the thread before it allocated, and allocates its own.
    let handOff = Record<[(UnsafeMutableRawPointer, Int)]>([])
    for round in 0..<6 {
      onNewThread {
        for (block, bytes) in handOff.value { allocator.deallocate(block, byteCount: bytes) }
        handOff.value = (0..<40).map { i in
          let bytes = 16 * (1 + (i * 7 + round) % 100)  // 16 … 1600 bytes: kept and shared classes
          let block = try! allocator.allocate(byteCount: bytes)
          block.storeBytes(of: UInt8(truncatingIfNeeded: i), as: UInt8.self)
          return (block, bytes)
        }
        // Some churn on this thread's own cache.
        for i in 0..<200 {
          let bytes = 64 * (1 + i % 16)
          allocator.deallocate(try! allocator.allocate(byteCount: bytes), byteCount: bytes)
        }
      }
    }
    onNewThread { for (block, bytes) in handOff.value { allocator.deallocate(block, byteCount: bytes) } }
    let stats = allocator.statistics
    #expect(stats.bytesInUse == 0 && stats.blocksInUse == 0)
    #expect(stats.allocations == 6 * 240 && stats.deallocations == 6 * 240)
    #expect(stats.cacheHits + stats.systemAllocations == stats.allocations)
    #expect(stats.systemAllocations < 6 * 240 / 2)
  }

  @Test("the shared allocator caches per thread; a custom one only when asked")
  func sharedCachesPerThread() {
    #expect(CachingCPUAllocator.shared.threadCaching)
    #expect(!CachingCPUAllocator().threadCaching)
    #expect(CachingCPUAllocator(threadCaching: true).threadCaching)
  }
}
