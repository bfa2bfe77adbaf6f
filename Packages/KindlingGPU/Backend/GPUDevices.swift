import KindlingStorage
import KindlingTensor

#if canImport(Glibc)
  import Glibc
#endif

/// What the device registry holds for `.cuda`: one ``GPUBackend`` per device ordinal, created
/// on first use from a runtime factory (CUDA's, or OpenCL's when testing without a GPU).
final class GPUDevices: DeviceBackend, @unchecked Sendable {
  private let makeRuntime: @Sendable (Int) throws(GPUError) -> any KernelRuntime
  private var mutex = pthread_mutex_t()
  private var devices: [Int: GPUBackend] = [:]

  init(_ makeRuntime: @escaping @Sendable (Int) throws(GPUError) -> any KernelRuntime) {
    self.makeRuntime = makeRuntime
    pthread_mutex_init(&mutex, nil)
  }

  /// The backend of `device`, created on first use.
  func backend(_ device: Device) throws(DeviceError) -> GPUBackend {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    if let backend = devices[device.index] { return backend }
    do {
      let backend = GPUBackend(runtime: try makeRuntime(device.index), device: device)
      devices[device.index] = backend
      return backend
    } catch {
      throw .noBackend(device, reason: error.description)
    }
  }

  func allocator(for device: Device) throws(DeviceError) -> any StorageAllocator {
    try backend(device).memory
  }

  func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, on sourceDevice: Device,
    to destination: UnsafeMutableRawPointer, offset destinationOffset: Int, on destinationDevice: Device,
    byteCount: Int
  ) throws(DeviceError) {
    let gpu = destinationDevice == .cpu ? sourceDevice : destinationDevice
    if sourceDevice != .cpu && destinationDevice != .cpu && sourceDevice != destinationDevice {
      throw .backendFailure(
        gpu,
        message: "copies between two GPUs (\(sourceDevice) to \(destinationDevice)) go through the CPU: "
          + "call .to(.cpu) first")
    }
    let backend = try backend(gpu)
    do {
      try backend.copy(
        from: source, offset: sourceOffset, on: sourceDevice, to: destination, offset: destinationOffset,
        on: destinationDevice, byteCount: byteCount)
    } catch {
      throw .backendFailure(gpu, message: error.description)
    }
  }

  func run(_ work: DeviceWork) throws(DeviceError) {
    let device = work.device
    let backend = try backend(device)
    do {
      try backend.run(work)
    } catch {
      throw .backendFailure(device, message: error.description)
    }
  }
}

extension DeviceWork {
  /// The device the work's output lives on.
  var device: Device {
    switch self {
    case .map(_, _, let output), .zip(_, _, _, let output), .select(_, _, _, let output), .fill(let output, _),
      .matmul(_, _, let output, _, _):
      output.device
    case .reduce(_, let input, _, _, _): input.device
    case .gather(let output, _, _, _, _, _, _), .scatter(let output, _, _, _, _, _, _): output.device
    case .im2col(let image, _, _), .col2im(_, let image, _): image.device
    case .maxPool(let input, _, _, _), .maxPoolBackward(_, _, let input, _): input.device
    }
  }
}
