// Benchmarks of KindlingStorage: the caching CPU allocator against the system allocator, the
// creation of a `Storage` (what every tensor op does for its result), and the shape helpers.
//
// Names are `<what>.<size>.<allocator>` with no spaces or slashes: package-benchmark writes a
// threshold file under the name with those replaced by `_` but looks it up under the name as is,
// so a name with a space would never find its committed threshold.
//
//   alloc-free.<size>.caching      allocate + deallocate through a warm `CachingCPUAllocator`
//   alloc-free.<size>.malloc       malloc + free
//   alloc-free.<size>.memalign64   posix_memalign(64) + free (the caching allocator's own request)
//   alloc-touch.<size>.<allocator> the same, plus a write to every 4 KiB page of the block
//                                  before freeing it: what using a fresh block really costs
//
// `mallocCountTotal` is the deterministic metric, checked against the committed p90 values in
// Thresholds/ by `swift package benchmark thresholds check`: malloc and posix_memalign make 1
// call per iteration; a warm caching allocator's Storage round trip makes none (see README.md).

import Benchmark
import KindlingStorage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private let kib = 1 << 10
private let mib = 1 << 20
private let pageSize = 4 * kib

/// A block size measured, with the label used in benchmark names.
private struct BlockSize: Sendable {
  let bytes: Int
  let label: String
  /// Large blocks: also measured with every page touched.
  let isLarge: Bool
}

private let blockSizes: [BlockSize] = [
  BlockSize(bytes: 1 * kib, label: "1KiB", isLarge: false),
  BlockSize(bytes: 64 * kib, label: "64KiB", isLarge: false),
  BlockSize(bytes: 1 * mib, label: "1MiB", isLarge: true),
  BlockSize(bytes: 16 * mib, label: "16MiB", isLarge: true),
  BlockSize(bytes: 64 * mib, label: "64MiB", isLarge: true),
]

/// Writes one byte to every 4 KiB page of the block, as a kernel filling it would, so a block
/// fresh from the system pays its page faults inside the measurement.
@inline(__always)
private func touchPages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
  var offset = 0
  while offset < byteCount {
    pointer.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self)
    offset += pageSize
  }
}

/// A way to get and give back raw blocks, measured through the same generic loop (specialized
/// per type, so no indirect call sits between the loop and the allocator).
private protocol RawAllocator: Sendable {
  var label: String { get }
  func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer
  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int)
  /// Run once before measuring (warm-up iterations come on top).
  func prepare(_ byteCount: Int)
  func cleanUp()
}

/// A caching allocator of its own per benchmark, primed with one block of the size measured so
/// every measured allocation is a cache hit: the steady state of a training loop.
private struct Caching: RawAllocator {
  let allocator = CachingCPUAllocator()
  var label: String { "caching" }

  @inline(__always)
  func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
    do {
      return try allocator.allocate(byteCount: byteCount)
    } catch {
      fatalError("CachingCPUAllocator.allocate(byteCount: \(byteCount)): \(error)")
    }
  }

  @inline(__always)
  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    allocator.deallocate(pointer, byteCount: byteCount)
  }

  func prepare(_ byteCount: Int) { deallocate(allocate(byteCount), byteCount: byteCount) }
  func cleanUp() { allocator.emptyCache() }
}

private struct Malloc: RawAllocator {
  var label: String { "malloc" }

  @inline(__always)
  func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
    guard let pointer = malloc(byteCount) else { fatalError("malloc(\(byteCount)) failed") }
    return pointer
  }

  @inline(__always)
  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) { free(pointer) }

  func prepare(_ byteCount: Int) {}
  func cleanUp() {}
}

/// `posix_memalign` with the caching allocator's 64-byte alignment: what it asks the system for.
private struct Memalign64: RawAllocator {
  var label: String { "memalign64" }

  @inline(__always)
  func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
    var pointer: UnsafeMutableRawPointer?
    guard posix_memalign(&pointer, 64, byteCount) == 0, let pointer else {
      fatalError("posix_memalign(64, \(byteCount)) failed")
    }
    return pointer
  }

  @inline(__always)
  func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) { free(pointer) }

  func prepare(_ byteCount: Int) {}
  func cleanUp() {}
}

/// Registers `alloc-free.<size>.<allocator>`: allocate, hand the pointer to `blackHole`, free.
private func registerAllocFree<A: RawAllocator>(
  _ allocator: A, _ size: BlockSize, configuration: Benchmark.Configuration
) {
  let byteCount = size.bytes
  Benchmark("alloc-free.\(size.label).\(allocator.label)", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      let pointer = allocator.allocate(byteCount)
      blackHole(pointer)
      allocator.deallocate(pointer, byteCount: byteCount)
    }
  } setup: {
    allocator.prepare(byteCount)
  } teardown: {
    allocator.cleanUp()
  }
}

/// Registers `alloc-touch.<size>.<allocator>`: allocate, write one byte per 4 KiB page, free.
private func registerAllocTouch<A: RawAllocator>(
  _ allocator: A, _ size: BlockSize, configuration: Benchmark.Configuration
) {
  let byteCount = size.bytes
  Benchmark("alloc-touch.\(size.label).\(allocator.label)", configuration: configuration) { benchmark in
    for _ in benchmark.scaledIterations {
      let pointer = allocator.allocate(byteCount)
      touchPages(pointer, byteCount: byteCount)
      blackHole(pointer)
      allocator.deallocate(pointer, byteCount: byteCount)
    }
  } setup: {
    allocator.prepare(byteCount)
  } teardown: {
    allocator.cleanUp()
  }
}

let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
  // Allocation counts are exact: no tolerance, so any change (worse or better) is reported.
  let exactAllocations: [BenchmarkMetric: BenchmarkThresholds] = [.mallocCountTotal: .strict]

  // Cheap operations: 1000 inner iterations per sample (`scaledIterations`), results reported
  // per inner iteration (the `*` columns). 200 samples, or 1 s, whichever comes first.
  Benchmark.defaultConfiguration = .init(
    metrics: metrics,
    warmupIterations: 1,
    scalingFactor: .kilo,
    maxDuration: .seconds(1),
    maxIterations: 200,
    thresholds: exactAllocations
  )
  let inner = Benchmark.defaultConfiguration

  // Page-touching loops take microseconds to milliseconds per iteration: one per sample.
  var touching = Benchmark.defaultConfiguration
  touching.scalingFactor = .one
  touching.warmupIterations = 2
  touching.maxIterations = 500

  // MARK: allocate + free

  for size in blockSizes {
    registerAllocFree(Caching(), size, configuration: inner)
    registerAllocFree(Malloc(), size, configuration: inner)
    registerAllocFree(Memalign64(), size, configuration: inner)
  }

  // MARK: allocate + touch every page + free

  for size in blockSizes where size.isLarge {
    registerAllocTouch(Caching(), size, configuration: touching)
    registerAllocTouch(Malloc(), size, configuration: touching)
    registerAllocTouch(Memalign64(), size, configuration: touching)
  }

  // MARK: Storage

  // What a tensor op does for its result: a Storage of 1M float32 (4 MiB) from the shared
  // allocator, released when the last reference goes. One malloc per iteration: the Storage
  // object itself; its 4 MiB come from the allocator's cache.
  let elementCount = 1 << 20
  Benchmark("Storage.create-release.1M-float32", configuration: inner) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try Storage(count: elementCount, dtype: .float32))
    }
  } setup: {
    _ = try Storage(count: elementCount, dtype: .float32)  // warm the shared cache
  }

  // MARK: Shape

  // Two 4-D shapes with size-1 dimensions on both sides: [8, 1, 32, 64] ⊕ [1, 16, 1, 64].
  let shapeA = [8, 1, 32, 64]
  let shapeB = [1, 16, 1, 64]
  Benchmark("Shape.broadcast.4D", configuration: inner) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try Shape.broadcast(shapeA, shapeB))
    }
  }

  Benchmark("Shape.contiguousStrides.4D", configuration: inner) { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(Shape.contiguousStrides(shapeA))
    }
  }
}
