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
/// It is thread-safe. ``memoryLimit`` caps the bytes it holds (in use plus cached); when a
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
  public static let shared = CachingCPUAllocator()

  private struct State {
    /// Free blocks by size class (``SizeClass/index(ofBlockSize:)``), as addresses, with their
    /// block size. Arrays changed in place through the subscript: no reference is taken, where a
    /// class per size class cost a retain and a release on every allocation and free.
    var free: [[UInt]] = []
    var freeSizes: [Int] = []
    var statistics = AllocatorStatistics()
    var memoryLimit: Int?
    var cacheLimit: Int
  }

  private let state: Mutex<State>

  public var device: Device { .cpu }

  /// Creates an allocator.
  ///
  /// - Parameters:
  ///   - memoryLimit: the most bytes it may hold from the system, in use and cached; `nil` for
  ///     no limit but the system's.
  ///   - cacheLimit: the most bytes it keeps in freed blocks; blocks beyond go back to the system.
  public init(memoryLimit: Int? = nil, cacheLimit: Int = 1 << 30) {
    state = Mutex(State(memoryLimit: memoryLimit, cacheLimit: cacheLimit))
  }

  /// The most bytes this allocator may hold from the system (in use plus cached), or `nil`.
  public var memoryLimit: Int? {
    get { state.withLock { $0.memoryLimit } }
    set { state.withLock { $0.memoryLimit = newValue } }
  }

  /// The most bytes kept in freed blocks for reuse.
  public var cacheLimit: Int {
    get { state.withLock { $0.cacheLimit } }
    set {
      let released = state.withLock { state in
        state.cacheLimit = newValue
        return Self.trimCache(&state, to: newValue)
      }
      released.forEach(Self.releaseToSystem)
    }
  }

  public var statistics: AllocatorStatistics { state.withLock { $0.statistics } }

  /// Starts measuring the peak again from the bytes in use now.
  public func resetPeak() {
    state.withLock { $0.statistics.peakBytesInUse = $0.statistics.bytesInUse }
  }

  /// Returns every cached block to the system (`torch.cuda.empty_cache()`'s counterpart).
  public func emptyCache() {
    let released = state.withLock { Self.trimCache(&$0, to: 0) }
    released.forEach(Self.releaseToSystem)
  }

  public func allocate(byteCount: Int) throws(StorageError) -> UnsafeMutableRawPointer {
    guard byteCount <= SizeClass.largestRequest else { throw outOfMemory(requested: byteCount) }
    let size = SizeClass.blockSize(for: byteCount)
    switch reserve(size) {
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
    let cached = state.withLock { state -> Bool in
      state.statistics.bytesInUse -= size
      state.statistics.blocksInUse -= 1
      state.statistics.deallocations += 1
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
    if !cached { Self.releaseToSystem(address) }
  }

  // MARK: - Internals

  private enum Reservation {
    case cached(UInt)
    case fromSystem
    case overLimit
  }

  /// Books a block of `size` under the lock: a cached one if there is one, else a new one from
  /// the system if the memory limit allows it (giving cached blocks back to make room).
  private func reserve(_ size: Int) -> Reservation {
    var released: [UInt] = []
    defer { released.forEach(Self.releaseToSystem) }
    return state.withLock { state -> Reservation in
      let index = SizeClass.index(ofBlockSize: size)
      if index < state.free.count, let address = state.free[index].popLast() {
        state.statistics.bytesCached -= size
        state.statistics.cacheHits += 1
        Self.book(size, in: &state)
        return .cached(address)
      }
      if let limit = state.memoryLimit {
        let room = limit - state.statistics.bytesInUse - size
        guard room >= 0 else { return .overLimit }
        released = Self.trimCache(&state, to: room)
      }
      Self.book(size, in: &state)
      state.statistics.systemAllocations += 1
      return .fromSystem
    }
  }

  private static func book(_ size: Int, in state: inout State) {
    state.statistics.allocations += 1
    state.statistics.blocksInUse += 1
    state.statistics.bytesInUse += size
    state.statistics.peakBytesInUse = max(state.statistics.peakBytesInUse, state.statistics.bytesInUse)
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
      return (state.statistics.bytesInUse, state.memoryLimit)
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
