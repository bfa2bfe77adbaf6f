import Testing

@testable import KindlingStorage

@Suite("Storage")
struct StorageTests {
  @Test("typed access reads back what was written")
  func typedAccess() throws {
    let storage = try Storage(count: 6, dtype: .float32, allocator: CachingCPUAllocator())
    #expect(storage.byteCount == 24 && storage.count(of: Float.self) == 6)
    storage.withUnsafeMutableBufferPointer(as: Float.self) { buffer in
      for i in buffer.indices { buffer[i] = Float(i) * 1.5 }
    }
    let values = storage.withUnsafeBufferPointer(as: Float.self) { Array($0) }
    #expect(values == [0, 1.5, 3, 4.5, 6, 7.5])
    #expect(storage.pointer(as: Float.self)[3] == 4.5)
    #expect(storage.device == .cpu)
    #expect(UInt(bitPattern: storage.data) % UInt(Storage.alignment) == 0)
  }

  @Test("a storage goes back to its allocator when the last reference goes, not before")
  func lifetime() throws {
    let allocator = CachingCPUAllocator()
    var view: Storage? = try Storage(byteCount: 4096, allocator: allocator)
    weak let weakStorage = view
    let otherView = view  // a second tensor viewing the same storage
    view = nil
    #expect(weakStorage != nil)
    #expect(allocator.statistics.bytesInUse == 4096)
    withExtendedLifetime(otherView) {}
    _ = consume otherView
    #expect(weakStorage == nil)
    #expect(allocator.statistics.bytesInUse == 0)
    #expect(allocator.statistics.bytesCached == 4096)
  }

  @Test("a storage keeps another allocator alive until it is freed; the shared one is reported as itself")
  func allocatorOwnership() throws {
    weak var weakAllocator: CachingCPUAllocator?
    var storage: Storage?
    do {
      let allocator = CachingCPUAllocator()
      weakAllocator = allocator
      storage = try Storage(byteCount: 256, allocator: allocator)
    }
    #expect(weakAllocator != nil)
    #expect(storage?.allocator === weakAllocator)
    #expect(weakAllocator?.statistics.bytesInUse == 256)
    storage = nil
    #expect(weakAllocator == nil)
    let shared = try Storage(byteCount: 64)
    #expect(shared.allocator === CachingCPUAllocator.shared)
    let named = try Storage(count: 16, dtype: .float32, allocator: CachingCPUAllocator.shared)
    #expect(named.allocator === CachingCPUAllocator.shared && named.device == .cpu)
  }

  @Test("an allocation failure surfaces as a typed error from Storage")
  func outOfMemory() {
    let allocator = CachingCPUAllocator(memoryLimit: 1024)
    #expect(throws: StorageError.self) { try Storage(count: 1024, dtype: .float64, allocator: allocator) }
    #expect(throws: StorageError.self) { try Storage(count: Int.max / 2, dtype: .float64, allocator: allocator) }
  }

  @Test("an empty storage is valid")
  func empty() throws {
    let storage = try Storage(count: 0, dtype: .int64)
    #expect(storage.byteCount == 0 && storage.count(of: Int64.self) == 0)
    storage.withUnsafeBufferPointer(as: Int64.self) { #expect($0.isEmpty) }
  }
}
