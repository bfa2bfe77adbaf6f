import KindlingStorage

#if canImport(Glibc)
  import Glibc
#endif

/// The caching allocator of one GPU: freed blocks are kept by size and handed out again, so a
/// training loop in steady state asks the driver for no memory (as PyTorch's CUDA allocator).
///
/// Requests round up to a quarter of their power of two (at least 512 bytes). When the driver
/// runs out, the cache is given back and the request tried once more before
/// ``StorageError/outOfMemory(device:requestedBytes:bytesInUse:limitBytes:)`` is thrown.
final class GPUAllocator: StorageAllocator, @unchecked Sendable {
  let device: Device
  private let runtime: any KernelRuntime
  private var mutex = pthread_mutex_t()
  private var cache: [Int: [UnsafeMutableRawPointer]] = [:]
  private var stats = AllocatorStatistics()

  init(device: Device, runtime: any KernelRuntime) {
    self.device = device
    self.runtime = runtime
    pthread_mutex_init(&mutex, nil)
  }

  /// The block size that serves `byteCount` bytes.
  static func blockSize(for byteCount: Int) -> Int {
    let minimum = 512
    if byteCount <= minimum { return minimum }
    let highestBit = Int.bitWidth - 1 - (byteCount - 1).leadingZeroBitCount
    let step = max((1 << highestBit) / 4, minimum)
    return (byteCount + step - 1) / step * step
  }

  private func locked<R>(_ body: () throws(StorageError) -> R) throws(StorageError) -> R {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body()
  }

  func allocate(byteCount: Int) throws(StorageError) -> UnsafeMutableRawPointer {
    let size = Self.blockSize(for: byteCount)
    return try locked { () throws(StorageError) in
      if var blocks = cache[size], let block = blocks.popLast() {
        cache[size] = blocks
        stats.bytesCached -= size
        stats.cacheHits += 1
        return handOut(block, size: size)
      }
      if let block = try? runtime.allocate(byteCount: size) { return handOut(block, size: size, fresh: true) }
      releaseCache()
      if let block = try? runtime.allocate(byteCount: size) { return handOut(block, size: size, fresh: true) }
      stats.failures += 1
      throw .outOfMemory(device: device, requestedBytes: byteCount, bytesInUse: stats.bytesInUse, limitBytes: nil)
    }
  }

  private func handOut(_ block: UnsafeMutableRawPointer, size: Int, fresh: Bool = false) -> UnsafeMutableRawPointer {
    stats.allocations += 1
    if fresh { stats.systemAllocations += 1 }
    stats.blocksInUse += 1
    stats.bytesInUse += size
    stats.peakBytesInUse = max(stats.peakBytesInUse, stats.bytesInUse)
    return block
  }

  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    let size = Self.blockSize(for: byteCount)
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    cache[size, default: []].append(pointer)
    stats.deallocations += 1
    stats.blocksInUse -= 1
    stats.bytesInUse -= size
    stats.bytesCached += size
  }

  var statistics: AllocatorStatistics {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return stats
  }

  /// Gives every cached block back to the driver (`torch.cuda.empty_cache()`).
  func emptyCache() {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    releaseCache()
  }

  private func releaseCache() {
    for blocks in cache.values { for block in blocks { runtime.free(block) } }
    cache.removeAll()
    stats.bytesCached = 0
  }
}
