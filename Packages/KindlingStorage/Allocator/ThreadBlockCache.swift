#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// One thread's own freed small blocks of a ``CachingCPUAllocator``, reused by that thread
/// without taking the allocator's lock.
///
/// An op on a tiny tensor allocates and frees one small block; under the allocator's lock that
/// costs two atomic read-modify-writes each way, about a tenth of the op. Here a thread keeps up
/// to ``depth`` freed blocks of each size class up to ``largestBlock`` bytes and hands them out
/// again last freed first.
///
/// The allocator still counts these blocks as in use (they never went back to it); its
/// ``CachingCPUAllocator/statistics`` moves them to `bytesCached` with the counters below, which
/// only the owning thread writes (relaxed atomics, plain loads and stores on x86). When the thread
/// exits, its blocks go back to the allocator's shared cache.
/// `@unchecked Sendable`: its slots are touched only by the owning thread (or under the
/// allocator's lock once that thread has exited); other threads only load its atomic counters.
final class ThreadBlockCache: @unchecked Sendable {
  /// The largest block a thread keeps for itself.
  static let largestBlock = 1024
  /// Size classes ``SizeClass/index(ofBlockSize:)`` `0..<classCount` are kept (64 … 1024 bytes).
  static let classCount = SizeClass.index(ofBlockSize: largestBlock) + 1
  /// Blocks kept per size class: at most 8 × (64 + 128 + … + 1024) bytes, 56 KiB, per thread.
  static let depth = 8

  /// The allocator the blocks belong to; kept alive while any thread has a cache of it.
  let allocator: CachingCPUAllocator
  /// `depth` addresses per size class.
  private let blocks: UnsafeMutablePointer<UInt>
  /// How many of each class's slots hold a block.
  private let counts: UnsafeMutablePointer<Int>

  /// Bytes and blocks held here (counted as in use by the allocator's shared books).
  let heldBytes = Atomic<Int>(0)
  let heldBlocks = Atomic<Int>(0)
  /// Allocations served from here and deallocations taken here, not yet in the shared books.
  let allocations = Atomic<Int>(0)
  let deallocations = Atomic<Int>(0)

  init(allocator: CachingCPUAllocator) {
    self.allocator = allocator
    blocks = .allocate(capacity: Self.classCount * Self.depth)
    counts = .allocate(capacity: Self.classCount)
    counts.initialize(repeating: 0, count: Self.classCount)
  }

  deinit {
    blocks.deallocate()
    counts.deallocate()
  }

  /// A kept block of size class `index` (of `size` bytes), or `nil`.
  @inline(__always)
  func take(index: Int, size: Int) -> UInt? {
    let count = counts[index]
    guard count > 0 else { return nil }
    counts[index] = count - 1
    Self.add(-size, to: heldBytes)
    Self.add(-1, to: heldBlocks)
    Self.add(1, to: allocations)
    return blocks[index * Self.depth + count - 1]
  }

  /// Keeps a freed block of size class `index`; `false` when that class is full.
  @inline(__always)
  func keep(_ address: UInt, index: Int, size: Int) -> Bool {
    let count = counts[index]
    guard count < Self.depth else { return false }
    blocks[index * Self.depth + count] = address
    counts[index] = count + 1
    Self.add(size, to: heldBytes)
    Self.add(1, to: heldBlocks)
    Self.add(1, to: deallocations)
    return true
  }

  /// Removes every kept block, as (address, block size) pairs, and zeroes the held counters.
  /// Called by the owning thread, or at its exit.
  func removeAll() -> [(address: UInt, size: Int)] {
    var removed: [(address: UInt, size: Int)] = []
    for index in 0..<Self.classCount where counts[index] > 0 {
      let size = Self.size(ofIndex: index)
      for slot in 0..<counts[index] { removed.append((blocks[index * Self.depth + slot], size)) }
      counts[index] = 0
    }
    heldBytes.store(0, ordering: .relaxed)
    heldBlocks.store(0, ordering: .relaxed)
    return removed
  }

  /// The block size of size class `index` (the inverse of ``SizeClass/index(ofBlockSize:)``).
  static func size(ofIndex index: Int) -> Int {
    var size = SizeClass.minimum
    while SizeClass.index(ofBlockSize: size) < index { size = SizeClass.blockSize(for: size + 1) }
    return size
  }

  /// Adds `delta` to a counter only this thread writes: a relaxed load and store, no
  /// read-modify-write instruction.
  @inline(__always)
  private static func add(_ delta: Int, to counter: borrowing Atomic<Int>) {
    counter.store(counter.load(ordering: .relaxed) &+ delta, ordering: .relaxed)
  }
}
