import Foundation
import Testing

@testable import KindlingGPU

@Suite("Kernel disk cache")
struct KernelDiskCacheTests {
  /// A cache in a fresh temporary directory, removed after `body`.
  func withCache(_ body: (KernelDiskCache) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-kernels-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try body(KernelDiskCache(directory: "\(directory)/kernels"))
  }

  @Test("an image stored under a key loads back; other keys miss")
  func roundTrip() throws {
    try withCache { cache in
      #expect(cache.load("a") == nil)
      let image: [UInt8] = [0x7F, 0x45, 0x4C, 0x46] + (0..<1000).map { UInt8($0 % 251) }
      cache.store(image, for: "a")
      #expect(cache.load("a") == image)
      #expect(cache.load("b") == nil)
      cache.store([1, 2, 3], for: "a")
      #expect(cache.load("a") == [1, 2, 3])
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
      #expect(leftovers == [URL(fileURLWithPath: cache.path(for: "a")).lastPathComponent])
    }
  }

  @Test("a corrupt, truncated or colliding file is ignored and rewritten")
  func corruptFiles() throws {
    try withCache { cache in
      let image = [UInt8](repeating: 7, count: 100)
      cache.store(image, for: "key")
      let path = cache.path(for: "key")
      let good = try #require(FileManager.default.contents(atPath: path))
      var flipped = [UInt8](good)
      flipped[flipped.count - 1] ^= 1
      for bad in [Data(), Data("garbage".utf8), good.prefix(good.count - 10), Data(flipped)] {
        try bad.write(to: URL(fileURLWithPath: path))
        #expect(cache.load("key") == nil)
      }
      // A file of another key under this key's name (a hash collision) is a miss.
      cache.store(image, for: "other")
      try FileManager.default.copyItem(atPath: cache.path(for: "other"), toPath: path + ".tmp")
      try FileManager.default.removeItem(atPath: path)
      try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
      #expect(cache.load("key") == nil)
      cache.store(image, for: "key")
      #expect(cache.load("key") == image)
    }
  }

  @Test("the standard directory follows XDG_CACHE_HOME, then HOME")
  func standardDirectory() {
    #expect(
      KernelDiskCache.standard(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.directory == "/c/kindling/kernels")
    #expect(KernelDiskCache.standard(environment: ["HOME": "/h"])?.directory == "/h/.cache/kindling/kernels")
    #expect(KernelDiskCache.standard(environment: [:]) == nil)
  }
}
