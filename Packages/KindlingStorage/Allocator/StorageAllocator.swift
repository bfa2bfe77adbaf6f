/// What a device's memory manager provides to ``Storage``.
///
/// A backend (the CPU here, CUDA in KindlingGPU) implements this contract: hand out
/// ``StorageAllocator/alignment``-aligned blocks and take them back. Whether blocks are cached
/// is the allocator's business; ``AllocatorStatistics`` reports what it did.
public protocol StorageAllocator: AnyObject, Sendable {
  /// The device whose memory this allocator manages.
  var device: Device { get }

  /// Returns a block of at least `byteCount` bytes, aligned to ``Storage/alignment``.
  ///
  /// - Throws: ``StorageError/outOfMemory(device:requestedBytes:bytesInUse:limitBytes:)``
  ///   when the memory cannot be had.
  func allocate(byteCount: Int) throws(StorageError) -> UnsafeMutableRawPointer

  /// Takes back a block returned by `allocate(byteCount:)` with the same `byteCount`.
  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int)

  /// A snapshot of the allocator's counters.
  var statistics: AllocatorStatistics { get }
}

/// Counters of an allocator, to show that memory stays flat over a long run.
///
/// Byte counts are in whole blocks (a request is rounded up to its size class).
public struct AllocatorStatistics: Equatable, Sendable {
  /// Bytes in blocks handed out and not yet given back.
  public var bytesInUse = 0
  /// The largest `bytesInUse` seen since creation or the last `resetPeak()`.
  public var peakBytesInUse = 0
  /// Bytes in freed blocks kept for reuse.
  public var bytesCached = 0
  /// Blocks handed out and not yet given back.
  public var blocksInUse = 0
  /// Calls to `allocate` that succeeded.
  public var allocations = 0
  /// Calls to `deallocate`.
  public var deallocations = 0
  /// Allocations served from the cache, without asking the system.
  public var cacheHits = 0
  /// Allocations that asked the system for memory.
  public var systemAllocations = 0
  /// Allocations that failed with out-of-memory.
  public var failures = 0

  public init() {}
}
