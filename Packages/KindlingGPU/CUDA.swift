/// What one CUDA GPU is (`torch.cuda.get_device_properties`).
public struct CUDADeviceProperties: Sendable {
  /// The device's ordinal (`cuda:<index>`).
  public let index: Int
  /// The marketing name, such as `NVIDIA H100 80GB HBM3`.
  public let name: String
  /// The device's memory in bytes.
  public let totalMemory: Int
  /// The compute capability, such as (9, 0) for Hopper.
  public let computeCapability: (major: Int, minor: Int)
}

/// The CUDA backend's front door: whether a GPU can be used and what it is.
///
/// Nothing is loaded until one of these is first asked for; then the NVIDIA driver library is
/// opened at run time (`libcuda.so.1`, or the path in `KINDLING_CUDA_DRIVER`). On a machine
/// without a driver or GPU, ``isAvailable`` is `false` and ``unavailableReason`` says why.
///
/// ```swift
/// if CUDA.isAvailable {
///   print(try CUDA.properties(of: 0).name)
/// } else {
///   print(CUDA.unavailableReason!)
/// }
/// ```
///
/// Moving tensors to the GPU arrives with KindlingGPU's backend.
public enum CUDA {
  /// `true` when the driver loads and sees at least one device (`torch.cuda.is_available()`).
  public static var isAvailable: Bool { deviceCount > 0 }

  /// The number of CUDA devices; 0 when CUDA is not available (`torch.cuda.device_count()`).
  public static var deviceCount: Int {
    (try? CUDADriver.shared.get().deviceCount()) ?? 0
  }

  /// Why CUDA cannot be used, or `nil` when it can.
  public static var unavailableReason: String? {
    do {
      if try CUDADriver.shared.get().deviceCount() == 0 { return CUDAError.noDevice.description }
      return nil
    } catch {
      return error.description
    }
  }

  /// The driver's CUDA version as CUDA encodes it (12040 for 12.4).
  ///
  /// - Throws: ``CUDAError`` when no driver can be loaded.
  public static func driverVersion() throws(CUDAError) -> Int {
    try CUDADriver.shared.get().version()
  }

  /// The name, memory and compute capability of device `index`.
  ///
  /// - Throws: ``CUDAError`` when CUDA is not available or `index` is not a device.
  public static func properties(of index: Int) throws(CUDAError) -> CUDADeviceProperties {
    try CUDADriver.shared.get().properties(of: index)
  }
}
