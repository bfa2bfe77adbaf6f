import KindlingStorage
import KindlingTensor

/// Synchronization and the caching allocator of a GPU device (`torch.cuda.synchronize`,
/// `memory_stats`, `empty_cache`). Every function takes any device KindlingGPU serves: `.cuda`,
/// `.cuda(n)`, or `.opencl`.
///
/// ```swift
/// let x = try Tensor.randn([1024, 1024]).to(.cuda)
/// try CUDA.synchronize()
/// print(try CUDA.memoryStatistics().bytesInUse)   // 4194304
/// ```
extension CUDA {
  /// The backend serving `device`, created on first use.
  static func backend(_ device: Device) throws(GPUError) -> GPUBackend {
    do throws(DeviceError) {
      guard let devices = try DeviceRegistry.backend(for: device) as? GPUDevices else {
        throw .noBackend(device, reason: "\(device) is not a device KindlingGPU serves")
      }
      return try devices.backend(device)
    } catch {
      throw .unavailable(error.description)
    }
  }

  /// Waits until every kernel and copy queued on `device` has finished.
  public static func synchronize(_ device: Device = .cuda) throws(GPUError) {
    try backend(device).runtime.synchronize()
  }

  /// The caching allocator's counters on `device`: bytes in use and cached, peak, hits.
  public static func memoryStatistics(_ device: Device = .cuda) throws(GPUError) -> AllocatorStatistics {
    try backend(device).memory.statistics
  }

  /// Gives the allocator's cached blocks on `device` back to the driver (tensors in use keep theirs).
  public static func emptyCache(_ device: Device = .cuda) throws(GPUError) {
    try backend(device).memory.emptyCache()
  }
}
