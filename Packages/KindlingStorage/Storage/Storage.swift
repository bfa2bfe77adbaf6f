/// A reference-counted block of device memory that tensors view.
///
/// Many tensors (views) may share one `Storage`; it lives as long as any of them holds it and
/// then goes back to the allocator that made it. Its bytes are 64-byte aligned, so every dtype
/// and every SIMD width can read them aligned.
///
/// ```swift
/// let s = try Storage(count: 6, dtype: .float32)          // 24 bytes on the CPU
/// s.withUnsafeMutableBufferPointer(as: Float.self) { $0.initialize(repeating: 1) }
/// ```
public final class Storage: @unchecked Sendable {
  /// The alignment of every storage's first byte.
  public static let alignment = SizeClass.minimum

  /// The first byte. On a CUDA device this is a device address, not readable from the CPU.
  public let data: UnsafeMutableRawPointer
  /// The number of usable bytes.
  public let byteCount: Int
  /// The allocator that owns the memory and takes it back when the storage is freed.
  public var allocator: any StorageAllocator { otherAllocator ?? CachingCPUAllocator.shared }

  /// The allocator when it is not ``CachingCPUAllocator/shared``, which lives as long as the
  /// process: a storage from the shared one (almost every CPU tensor) holds no reference to it,
  /// and so costs no reference counting on that one object, which every thread shares.
  private let otherAllocator: (any StorageAllocator)?

  /// Counts the in-place writes made through any tensor that views this storage (PyTorch's
  /// version counter), so autograd can tell that a tensor it saved was changed.
  public var version: Int {
    get { writes }
    set { writes = newValue }
  }
  /// ``version``'s value. A computed property in front of it, because `@exclusivity(unchecked)`
  /// holds only inside this module: other modules reading a stored class property directly pay a
  /// run-time exclusivity check (swift_beginAccess) on every access.
  @exclusivity(unchecked) private var writes = 0

  /// The device the bytes live on (the allocator's, kept here: every op asks).
  public let device: Device

  /// Allocates `byteCount` uninitialized bytes from `allocator` (``CachingCPUAllocator/shared``
  /// when `nil`: the common case then takes no reference to the shared allocator at all).
  ///
  /// - Throws: ``StorageError/outOfMemory(device:requestedBytes:bytesInUse:limitBytes:)``.
  public init(byteCount: Int, allocator: (any StorageAllocator)? = nil) throws(StorageError) {
    precondition(byteCount >= 0, "Storage: byte count must not be negative, but got \(byteCount)")
    if let allocator, allocator !== CachingCPUAllocator.shared {
      self.data = try allocator.allocate(byteCount: byteCount)
      self.otherAllocator = allocator
      self.device = allocator.device
    } else {
      self.data = try CachingCPUAllocator.shared.allocate(byteCount: byteCount)
      self.otherAllocator = nil
      self.device = .cpu
    }
    self.byteCount = byteCount
  }

  /// Allocates room for `count` uninitialized elements of `dtype` (from
  /// ``CachingCPUAllocator/shared`` when `allocator` is `nil`).
  public convenience init(count: Int, dtype: DType, allocator: (any StorageAllocator)? = nil) throws(StorageError) {
    precondition(count >= 0, "Storage: element count must not be negative, but got \(count)")
    let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
    guard !overflow else {
      let allocator = allocator ?? CachingCPUAllocator.shared
      throw .outOfMemory(
        device: allocator.device, requestedBytes: .max, bytesInUse: allocator.statistics.bytesInUse,
        limitBytes: nil)
    }
    try self.init(byteCount: bytes, allocator: allocator)
  }

  deinit {
    if let otherAllocator {
      otherAllocator.deallocate(data, byteCount: byteCount)
    } else {
      CachingCPUAllocator.shared.deallocate(data, byteCount: byteCount)
    }
  }

  /// The number of whole elements of `type` the storage holds.
  public func count<T>(of type: T.Type) -> Int {
    byteCount / MemoryLayout<T>.stride
  }

  /// Calls `body` with the bytes as elements of `type`.
  ///
  /// - Precondition: the storage is on the CPU.
  public func withUnsafeMutableBufferPointer<T, R, E: Error>(
    as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws(E) -> R
  ) throws(E) -> R {
    try body(UnsafeMutableBufferPointer(start: pointer(as: type), count: count(of: type)))
  }

  /// Calls `body` with the bytes as read-only elements of `type`.
  ///
  /// - Precondition: the storage is on the CPU.
  public func withUnsafeBufferPointer<T, R, E: Error>(
    as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws(E) -> R
  ) throws(E) -> R {
    try body(UnsafeBufferPointer(start: pointer(as: type), count: count(of: type)))
  }

  /// The first element as `type`, for kernels that index the storage themselves.
  ///
  /// - Precondition: the storage is on the CPU.
  @inlinable
  public func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
    precondition(
      device == .cpu,
      "Storage: reading elements needs CPU memory, but this storage is on \(device); copy the tensor to the CPU first (.to(.cpu))"
    )
    return data.assumingMemoryBound(to: type)
  }
}
