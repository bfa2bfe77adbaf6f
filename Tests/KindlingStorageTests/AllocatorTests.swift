import Foundation
import Testing

@testable import KindlingStorage

@Suite("Caching CPU allocator")
struct AllocatorTests {
  @Test("size classes waste at most a quarter and stay 64-byte multiples")
  func sizeClasses() {
    #expect(SizeClass.blockSize(for: 0) == 64)
    #expect(SizeClass.blockSize(for: 1) == 64)
    #expect(SizeClass.blockSize(for: 65) == 128)
    #expect(SizeClass.blockSize(for: 1000) == 1024)
    #expect(SizeClass.blockSize(for: 1025) == 1280)
    #expect(SizeClass.blockSize(for: 64 << 20) == 64 << 20)
    for bytes in stride(from: 1, through: 1 << 22, by: 4093) {
      let block = SizeClass.blockSize(for: bytes)
      #expect(block >= bytes && block % 64 == 0 && (block <= 64 || Double(block) <= Double(bytes) * 1.25 + 64))
    }
  }

  @Test("a freed block is reused for the next request of its size class")
  func reuse() throws {
    let allocator = CachingCPUAllocator()
    let first = try allocator.allocate(byteCount: 1000)
    allocator.deallocate(first, byteCount: 1000)
    let second = try allocator.allocate(byteCount: 1010)  // same class (1024 bytes)
    #expect(second == first)
    let stats = allocator.statistics
    #expect(stats.allocations == 2 && stats.cacheHits == 1 && stats.systemAllocations == 1)
    #expect(stats.bytesInUse == 1024 && stats.bytesCached == 0 && stats.blocksInUse == 1)
    allocator.deallocate(second, byteCount: 1010)
    #expect(allocator.statistics.bytesInUse == 0 && allocator.statistics.bytesCached == 1024)
  }

  @Test("each size class keeps its own free blocks, reused last freed first, until the cache is emptied")
  func sizeClassesKeepTheirOwnBlocks() throws {
    let allocator = CachingCPUAllocator()
    let sizes = [64, 4096, 64, 1 << 20, 4096]
    let blocks = try sizes.map { try allocator.allocate(byteCount: $0) }
    for (block, size) in zip(blocks, sizes).reversed() { allocator.deallocate(block, byteCount: size) }
    #expect(allocator.statistics.bytesCached == 2 * 64 + 2 * 4096 + (1 << 20))
    // Freed in reverse order, so each class hands back its first block first.
    let again = try [4096, 64, 64].map { try allocator.allocate(byteCount: $0) }
    #expect(again == [blocks[1], blocks[0], blocks[2]])
    #expect(allocator.statistics.cacheHits == 3)
    let fresh = try allocator.allocate(byteCount: 64)  // the 64-byte class is empty now
    #expect(!blocks.contains(fresh))
    #expect(allocator.statistics.systemAllocations == 6)
    allocator.emptyCache()
    #expect(allocator.statistics.bytesCached == 0)
    let large = try allocator.allocate(byteCount: 1 << 20)
    #expect(allocator.statistics.systemAllocations == 7)
    for (block, size) in zip(again + [fresh, large], [4096, 64, 64, 64, 1 << 20]) {
      allocator.deallocate(block, byteCount: size)
    }
    #expect(allocator.statistics.bytesInUse == 0)
  }

  @Test("blocks are 64-byte aligned")
  func alignment() throws {
    let allocator = CachingCPUAllocator()
    for bytes in [0, 1, 63, 100, 4097, 1 << 20] {
      let pointer = try allocator.allocate(byteCount: bytes)
      #expect(UInt(bitPattern: pointer) % 64 == 0)
      allocator.deallocate(pointer, byteCount: bytes)
    }
  }

  @Test("blocks of 4 MiB and more start on a 2 MiB huge-page boundary, and their memory is usable")
  func hugePageAlignment() throws {
    let allocator = CachingCPUAllocator()
    for bytes in [4 << 20, (5 << 20) + 3, 64 << 20] {
      let pointer = try allocator.allocate(byteCount: bytes)
      #expect(UInt(bitPattern: pointer) % UInt(2 << 20) == 0)
      // Every page of the block can be written and read back (the huge-page advice changes
      // how the kernel backs it, never what it holds).
      let bytesPointer = pointer.assumingMemoryBound(to: UInt8.self)
      for offset in stride(from: 0, to: bytes, by: 4096) {
        bytesPointer[offset] = UInt8(truncatingIfNeeded: offset >> 12)
      }
      #expect(
        stride(from: 0, to: bytes, by: 4096).allSatisfy { bytesPointer[$0] == UInt8(truncatingIfNeeded: $0 >> 12) })
      allocator.deallocate(pointer, byteCount: bytes)
    }
  }

  @Test("statistics track bytes in use, the peak and the cache")
  func statistics() throws {
    let allocator = CachingCPUAllocator()
    let a = try allocator.allocate(byteCount: 4096)
    let b = try allocator.allocate(byteCount: 8192)
    #expect(allocator.statistics.bytesInUse == 12288)
    #expect(allocator.statistics.peakBytesInUse == 12288)
    allocator.deallocate(b, byteCount: 8192)
    #expect(allocator.statistics.peakBytesInUse == 12288)
    #expect(allocator.statistics.bytesCached == 8192)
    allocator.resetPeak()
    #expect(allocator.statistics.peakBytesInUse == 4096)
    allocator.emptyCache()
    #expect(allocator.statistics.bytesCached == 0)
    allocator.deallocate(a, byteCount: 4096)
    #expect(allocator.statistics.deallocations == 2)
  }

  @Test("memory stays flat over many steps of the same allocations")
  func flatOverTime() throws {
    let allocator = CachingCPUAllocator()
    let sizes = [784 * 64 * 4, 256 * 4, 128 * 64 * 4, 10 * 64 * 4, 37]
    for _ in 0..<1000 {
      let blocks = try sizes.map { try allocator.allocate(byteCount: $0) }
      for (block, size) in zip(blocks, sizes) { allocator.deallocate(block, byteCount: size) }
    }
    let stats = allocator.statistics
    #expect(stats.systemAllocations == sizes.count)
    #expect(stats.cacheHits == 999 * sizes.count)
    #expect(stats.bytesInUse == 0)
    #expect(stats.peakBytesInUse == sizes.map(SizeClass.blockSize(for:)).reduce(0, +))
  }

  @Test("the cache limit sends surplus blocks back to the system")
  func cacheLimit() throws {
    let allocator = CachingCPUAllocator(cacheLimit: 4096)
    let blocks = try (0..<3).map { _ in try allocator.allocate(byteCount: 2048) }
    for block in blocks { allocator.deallocate(block, byteCount: 2048) }
    #expect(allocator.statistics.bytesCached == 4096)
    allocator.cacheLimit = 2048
    #expect(allocator.statistics.bytesCached == 2048)
  }

  @Test("a request over the memory limit fails with a clear error, after emptying the cache")
  func memoryLimit() throws {
    let allocator = CachingCPUAllocator(memoryLimit: 1 << 20)
    let cached = try allocator.allocate(byteCount: 512 << 10)
    allocator.deallocate(cached, byteCount: 512 << 10)
    // The cached half-MiB block is given back to make room for a 768 KiB one.
    let big = try allocator.allocate(byteCount: 768 << 10)
    #expect(allocator.statistics.bytesCached == 0)
    #expect(throws: StorageError.self) { try allocator.allocate(byteCount: 512 << 10) }
    do {
      _ = try allocator.allocate(byteCount: 2 << 20)
      Issue.record("expected out of memory")
    } catch {
      #expect(
        "\(error)"
          == "CPU out of memory: tried to allocate 2.00 MiB on cpu (768.00 KiB in use, limit 1.00 MiB). Use smaller batches or tensors, free tensors you no longer need, or raise the allocator's memoryLimit."
      )
    }
    #expect(allocator.statistics.failures == 2)
    #expect(allocator.statistics.bytesInUse == 768 << 10)
    allocator.deallocate(big, byteCount: 768 << 10)
  }

  @Test("a request the system cannot satisfy throws instead of crashing")
  func systemExhaustion() {
    let allocator = CachingCPUAllocator()
    #expect(throws: StorageError.self) { try allocator.allocate(byteCount: 1 << 55) }  // 32 PiB
    #expect(throws: StorageError.self) { try allocator.allocate(byteCount: Int.max) }
    #expect(allocator.statistics.bytesInUse == 0 && allocator.statistics.blocksInUse == 0)
    #expect(allocator.statistics.failures == 2)
  }

  @Test("concurrent allocation from several threads keeps the books straight")
  func concurrency() async throws {
    let allocator = CachingCPUAllocator()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for worker in 0..<4 {
        group.addTask {
          for i in 0..<2000 {
            let bytes = 64 * (1 + (i + worker) % 17)
            let pointer = try allocator.allocate(byteCount: bytes)
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: i), as: UInt8.self)
            allocator.deallocate(pointer, byteCount: bytes)
          }
        }
      }
      try await group.waitForAll()
    }
    let stats = allocator.statistics
    #expect(stats.allocations == 8000 && stats.deallocations == 8000)
    #expect(stats.bytesInUse == 0 && stats.blocksInUse == 0)
    #expect(stats.cacheHits + stats.systemAllocations == 8000)
  }

  @Test("byte counts format like PyTorch's memory messages")
  func byteFormatting() {
    #expect(formatBytes(512) == "512 bytes")
    #expect(formatBytes(2 << 20) == "2.00 MiB")
    #expect(formatBytes(1536) == "1.50 KiB")
    #expect(formatBytes(20 * (1 << 30) + (1 << 29)) == "20.50 GiB")
  }
}

@Suite("Size classes")
struct SizeClassIndexTests {
  @Test("every block size has its own dense index, in increasing order")
  func denseIndex() {
    var sizes: [Int] = []
    var request = 1
    while request < 1 << 30 {
      let size = SizeClass.blockSize(for: request)
      if sizes.last != size { sizes.append(size) }
      request = size + 1
    }
    #expect(sizes.map(SizeClass.index(ofBlockSize:)) == Array(0..<sizes.count))
  }
}
