/// Why CUDA cannot be used, in words that say what to do.
public enum CUDAError: Error, Equatable, Sendable {
  /// The driver library could not be opened or lacks an entry point.
  case driverNotFound(library: String, reason: String)
  /// A driver call failed.
  case driverCall(function: String, code: Int, message: String)
  /// The driver is there but sees no GPU.
  case noDevice
  /// A device ordinal outside `0 ..< count`.
  case invalidDevice(index: Int, count: Int)
}

extension CUDAError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .driverNotFound(let library, let reason):
      "CUDA is not available: the NVIDIA driver library \(library) could not be loaded (\(reason)). "
        + "Install the NVIDIA driver, or set \(CUDADriver.libraryVariable) to the path of libcuda.so.1."
    case .driverCall(let function, let code, let message):
      "CUDA driver call \(function) failed with error \(code): \(message)."
    case .noDevice:
      "CUDA is not available: the NVIDIA driver found no CUDA-capable device (is the GPU visible to this "
        + "machine or container? check CUDA_VISIBLE_DEVICES)."
    case .invalidDevice(let index, let count):
      "CUDA error: invalid device ordinal \(index): this machine has \(count) CUDA device\(count == 1 ? "" : "s")."
    }
  }
}
