#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// The CPU allocator: 64-byte-aligned blocks from the system, cached by size class after they
/// are freed and handed out again, so a training loop that allocates the same shapes every step
/// stops calling `malloc` after its first step.
///
/// It is thread-safe. With `threadCaching` (as ``shared`` has it), each thread also keeps up to
/// eight freed blocks of each size up to 1 KiB for itself and reuses them without taking the
/// allocator's lock: a tiny tensor's block then costs no atomic operation. Such blocks count as
/// cached in ``statistics``; ``emptyCache()`` returns those of the calling thread, and a thread's
/// go back to the shared cache when it exits.
///
/// ``memoryLimit`` caps the bytes it holds (in use plus cached); when a
/// request would pass it, or the system refuses, the cache is returned to the system and the
/// request tried again before it fails with ``StorageError/outOfMemory(device:requestedBytes:bytesInUse:limitBytes:)``.
///
/// ```swift
/// let allocator = CachingCPUAllocator.shared
/// let s = try Storage(byteCount: 4096, allocator: allocator)
/// print(allocator.statistics.bytesInUse)   // 4096
/// ```
public final class CachingCPUAllocator: StorageAllocator {
  /// The allocator every CPU storage uses unless told otherwise.
  public static let shared = CachingCPUAllocator(threadCaching: true)

  private struct State {
    /// Free blocks by size class (``SizeClass/index(ofBlockSize:)``), as addresses, with their
    /// block size. Arrays changed in place through the subscript: no reference is taken, where a
    /// class per size class cost a retain and a release on every allocation and free.
    var free: [[UInt]] = []
    var freeSizes: [Int] = []
    var statistics = AllocatorStatistics()
    var memoryLimit: Int?
    var cacheLimit: Int
    /// Every live thread's cache of this allocator (their blocks count as in use here).
    var threadCaches: [ThreadBlockCache] = []
  }

  private let state: Mutex<State>
  /// The key of each thread's ``ThreadBlockCache``, or `nil` without thread caching.
  private let threadCacheKey: pthread_key_t?

  public var device: Device { .cpu }

  /// Creates an allocator.
  ///
  /// - Parameters:
  ///   - memoryLimit: the most bytes it may hold from the system, in use and cached; `nil` for
  ///     no limit but the system's.
  ///   - cacheLimit: the most bytes it keeps in freed blocks; blocks beyond go back to the system.
  ///   - threadCaching: whether each thread keeps small freed blocks for itself (see above). An
  ///     allocator with thread caches lives as long as a thread that used it.
  public init(memoryLimit: Int? = nil, cacheLimit: Int = 1 << 30, threadCaching: Bool = false) {
    state = Mutex(State(memoryLimit: memoryLimit, cacheLimit: cacheLimit))
    guard threadCaching else {
      threadCacheKey = nil
      return
    }
    var key = pthread_key_t()
    // At a thread's exit its cache's blocks go back to the allocator's shared cache.
    let status = pthread_key_create(&key) { pointer in
      guard let pointer else { return }
      let cache = Unmanaged<ThreadBlockCache>.fromOpaque(pointer).takeRetainedValue()
      cache.allocator.retire(cache)
    }
    threadCacheKey = status == 0 ? key : nil  // out of keys: the allocator works without them
  }

  deinit {
    if let threadCacheKey { pthread_key_delete(threadCacheKey) }
  }

  /// Whether each thread keeps small freed blocks for itself (`threadCaching:` of the
  /// initializer; ``shared`` does).
  public var threadCaching: Bool { threadCacheKey != nil }

  /// The most bytes this allocator may hold from the system (in use plus cached), or `nil`.
  public var memoryLimit: Int? {
    get { state.withLock { $0.memoryLimit } }
    set { state.withLock { $0.memoryLimit = newValue } }
  }

  /// The most bytes kept in freed blocks for reuse.
  public var cacheLimit: Int {
    get { state.withLock { $0.cacheLimit } }
    set {
      let cache = currentThreadCache
      let released = state.withLock { state in
        state.cacheLimit = newValue
        return Self.takeBack(cache, into: &state) + Self.trimCache(&state, to: newValue)
      }
      released.forEach(Self.releaseToSystem)
    }
  }

  public var statistics: AllocatorStatistics { state.withLock { Self.statistics(of: $0) } }

  /// Starts measuring the peak again from the bytes in use now.
  public func resetPeak() {
    state.withLock { $0.statistics.peakBytesInUse = Self.statistics(of: $0).bytesInUse }
  }

  /// Returns every cached block to the system (`torch.cuda.empty_cache()`'s counterpart); of
  /// the blocks threads keep for themselves, those of the calling thread.
  public func emptyCache() {
    let cache = currentThreadCache
    let released = state.withLock { Self.takeBack(cache, into: &$0) + Self.trimCache(&$0, to: 0) }
    released.forEach(Self.releaseToSystem)
  }

  public func allocate(byteCount: Int) throws(StorageError) -> UnsafeMutableRawPointer {
    guard byteCount <= SizeClass.largestRequest else { throw outOfMemory(requested: byteCount) }
    let size = SizeClass.blockSize(for: byteCount)
    // The thread's cache is used unretained: it lives until this thread exits.
    let cache = currentThreadCacheReference
    if size <= ThreadBlockCache.largestBlock, let cache,
      let address = cache._withUnsafeGuaranteedRef({ $0.take(index: SizeClass.index(ofBlockSize: size), size: size) })
    {
      return UnsafeMutableRawPointer(bitPattern: address)!
    }
    let held = cache?._withUnsafeGuaranteedRef { $0.heldBytes.load(ordering: .relaxed) } ?? 0
    switch reserve(size, heldByCaller: held) {
    case .cached(let address):
      return UnsafeMutableRawPointer(bitPattern: address)!
    case .overLimit:
      throw outOfMemory(requested: byteCount)
    case .fromSystem:
      if let pointer = Self.systemAllocate(size) { return pointer }
      emptyCache()  // memory may be held in cached blocks of other sizes: give it back, retry
      if let pointer = Self.systemAllocate(size) { return pointer }
      state.withLock { Self.unbook(size, in: &$0) }
      throw outOfMemory(requested: byteCount)
    }
  }

  public func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    let size = SizeClass.blockSize(for: byteCount)
    let address = UInt(bitPattern: pointer)
    if size <= ThreadBlockCache.largestBlock, let cache = currentThreadCacheMade,
      cache._withUnsafeGuaranteedRef({ $0.keep(address, index: SizeClass.index(ofBlockSize: size), size: size) })
    {
      return
    }
    let cached = state.withLock { state -> Bool in
      state.statistics.deallocations += 1
      return Self.takeBack(address, size: size, into: &state)
    }
    if !cached { Self.releaseToSystem(address) }
  }

  // MARK: - Internals

  /// The calling thread's cache, or `nil` (none yet, or no thread caching).
  private var currentThreadCache: ThreadBlockCache? { currentThreadCacheReference?.takeUnretainedValue() }

  /// The calling thread's cache as the thread's key holds it (used without retaining it).
  @inline(__always)
  private var currentThreadCacheReference: Unmanaged<ThreadBlockCache>? {
    guard let threadCacheKey, let pointer = pthread_getspecific(threadCacheKey) else { return nil }
    return Unmanaged<ThreadBlockCache>.fromOpaque(pointer)
  }

  /// The calling thread's cache, made on first use; `nil` without thread caching.
  private var currentThreadCacheMade: Unmanaged<ThreadBlockCache>? {
    if let cache = currentThreadCacheReference { return cache }
    guard let threadCacheKey else { return nil }
    let cache = Unmanaged.passRetained(ThreadBlockCache(allocator: self))
    guard pthread_setspecific(threadCacheKey, cache.toOpaque()) == 0 else {
      cache.release()
      return nil
    }
    state.withLock { $0.threadCaches.append(cache.takeUnretainedValue()) }
    return cache
  }

  /// A thread exits: its cache's counters join the shared books and its blocks the shared cache.
  fileprivate func retire(_ cache: ThreadBlockCache) {
    let released = state.withLock { state in
      state.threadCaches.removeAll { $0 === cache }
      let allocations = cache.allocations.load(ordering: .relaxed)
      state.statistics.allocations += allocations
      state.statistics.cacheHits += allocations
      state.statistics.deallocations += cache.deallocations.load(ordering: .relaxed)
      return Self.takeBack(cache, into: &state)
    }
    released.forEach(Self.releaseToSystem)
  }

  /// The shared books, with the blocks threads keep for themselves counted as cached and their
  /// allocations and deallocations added.
  private static func statistics(of state: State) -> AllocatorStatistics {
    var statistics = state.statistics
    for cache in state.threadCaches {
      let bytes = cache.heldBytes.load(ordering: .relaxed)
      let allocations = cache.allocations.load(ordering: .relaxed)
      statistics.bytesInUse -= bytes
      statistics.bytesCached += bytes
      statistics.blocksInUse -= cache.heldBlocks.load(ordering: .relaxed)
      statistics.allocations += allocations
      statistics.cacheHits += allocations
      statistics.deallocations += cache.deallocations.load(ordering: .relaxed)
    }
    return statistics
  }

  /// Takes back a block that was in use: into the cache, or (`false`) for release to the system
  /// when the cache is full.
  private static func takeBack(_ address: UInt, size: Int, into state: inout State) -> Bool {
    state.statistics.bytesInUse -= size
    state.statistics.blocksInUse -= 1
    guard state.statistics.bytesCached + size <= state.cacheLimit else { return false }
    let index = SizeClass.index(ofBlockSize: size)
    if index >= state.free.count {
      state.free += [[UInt]](repeating: [], count: index + 1 - state.free.count)
      state.freeSizes += [Int](repeating: 0, count: index + 1 - state.freeSizes.count)
    }
    state.freeSizes[index] = size
    state.free[index].append(address)
    state.statistics.bytesCached += size
    return true
  }

  /// Moves every block a thread's cache holds into the shared cache; returns those it has no
  /// room for, to release outside the lock.
  private static func takeBack(_ cache: ThreadBlockCache?, into state: inout State) -> [UInt] {
    guard let cache else { return [] }
    return cache.removeAll().filter { !takeBack($0.address, size: $0.size, into: &state) }.map(\.address)
  }

  private enum Reservation {
    case cached(UInt)
    case fromSystem
    case overLimit
  }

  /// Books a block of `size` under the lock: a cached one if there is one, else a new one from
  /// the system if the memory limit allows it (giving cached blocks back to make room).
  ///
  /// `heldByCaller`: bytes the calling thread keeps in its cache, which the shared books count
  /// as in use but the peak should not.
  private func reserve(_ size: Int, heldByCaller: Int) -> Reservation {
    var released: [UInt] = []
    defer { released.forEach(Self.releaseToSystem) }
    return state.withLock { state -> Reservation in
      let index = SizeClass.index(ofBlockSize: size)
      if index < state.free.count, let address = state.free[index].popLast() {
        state.statistics.bytesCached -= size
        state.statistics.cacheHits += 1
        Self.book(size, in: &state, heldByCaller: heldByCaller)
        return .cached(address)
      }
      if let limit = state.memoryLimit {
        let room = limit - state.statistics.bytesInUse - size
        guard room >= 0 else { return .overLimit }
        released = Self.trimCache(&state, to: room)
      }
      Self.book(size, in: &state, heldByCaller: heldByCaller)
      state.statistics.systemAllocations += 1
      return .fromSystem
    }
  }

  private static func book(_ size: Int, in state: inout State, heldByCaller: Int) {
    state.statistics.allocations += 1
    state.statistics.blocksInUse += 1
    state.statistics.bytesInUse += size
    state.statistics.peakBytesInUse = max(
      state.statistics.peakBytesInUse, state.statistics.bytesInUse - heldByCaller)
  }

  private static func unbook(_ size: Int, in state: inout State) {
    state.statistics.allocations -= 1
    state.statistics.systemAllocations -= 1
    state.statistics.blocksInUse -= 1
    state.statistics.bytesInUse -= size
  }

  /// Removes cached blocks until at most `limit` bytes stay cached; returns them for release
  /// outside the lock.
  private static func trimCache(_ state: inout State, to limit: Int) -> [UInt] {
    var released: [UInt] = []
    for index in state.free.indices.reversed() where state.statistics.bytesCached > limit {
      let size = state.freeSizes[index]
      while state.statistics.bytesCached > limit, let address = state.free[index].popLast() {
        released.append(address)
        state.statistics.bytesCached -= size
      }
    }
    return released
  }

  private func outOfMemory(requested: Int) -> StorageError {
    let (inUse, limit) = state.withLock { state in
      state.statistics.failures += 1
      return (Self.statistics(of: state).bytesInUse, state.memoryLimit)
    }
    return .outOfMemory(device: .cpu, requestedBytes: requested, bytesInUse: inUse, limitBytes: limit)
  }

  private static func systemAllocate(_ size: Int) -> UnsafeMutableRawPointer? {
    var pointer: UnsafeMutableRawPointer?
    let huge = size >= hugePageThreshold
    guard posix_memalign(&pointer, huge ? hugePageSize : SizeClass.minimum, size) == 0 else { return nil }
    #if os(Linux)
      // Large blocks ask for transparent huge pages: a 64 MiB tensor then spans 32 TLB entries
      // instead of 16,384, and streaming through it misses the TLB far less often. Advice only:
      // where the kernel declines, the block is an ordinary one.
      if huge { _ = madvise(pointer, size, MADV_HUGEPAGE) }
    #endif
    return pointer
  }

  /// The size of a transparent huge page on x86-64 and most arm64 Linux kernels.
  private static let hugePageSize = 2 << 20
  /// Blocks from this size up are aligned to a huge page and advised to use them.
  private static let hugePageThreshold = 4 << 20

  private static func releaseToSystem(_ address: UInt) {
    free(UnsafeMutableRawPointer(bitPattern: address))
  }
}
