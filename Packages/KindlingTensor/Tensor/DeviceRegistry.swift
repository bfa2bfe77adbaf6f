import CKindlingVector
import KindlingStorage

/// What a device backend (KindlingGPU for CUDA) provides to the tensor layer: an allocator,
/// copies between host and device, and the kernels of the ops (``DeviceWork``). The CPU backend
/// is built in; others join with ``DeviceRegistry/register(_:for:)`` the first time their
/// device is asked for.
public protocol DeviceBackend: AnyObject, Sendable {
  /// The allocator tensors on `device` take their storage from.
  func allocator(for device: Device) throws(DeviceError) -> any StorageAllocator
  /// Copies `byteCount` bytes between the CPU and a device of this backend (or within one).
  /// A device's memory is addressed by its storage's `data` handle and a byte offset, never by
  /// pointer arithmetic on the handle; host memory is passed with offset 0.
  func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, on sourceDevice: Device,
    to destination: UnsafeMutableRawPointer, offset destinationOffset: Int, on destinationDevice: Device,
    byteCount: Int) throws(DeviceError)
  /// Runs one op's kernel on the device.
  func run(_ work: DeviceWork) throws(DeviceError)
}

/// Why a tensor cannot be placed on a device.
public enum DeviceError: Error, CustomStringConvertible, Equatable, Sendable {
  /// No backend for the device's kind has joined the registry.
  case noBackend(Device, reason: String)
  /// The backend failed; `message` says why.
  case backendFailure(Device, message: String)

  public var description: String {
    switch self {
    case .noBackend(let device, let reason): "cannot use \(device): \(reason)"
    case .backendFailure(let device, let message): "\(device): \(message)"
    }
  }
}

/// The backends of the devices other than the CPU, by device kind.
public enum DeviceRegistry {
  private static let lock = Lock()
  nonisolated(unsafe) private static var backends: [Device.Kind: any DeviceBackend] = [:]
  /// Called when a device kind with no backend is asked for, so that a backend module can join
  /// on first use (KindlingGPU sets this for CUDA).
  nonisolated(unsafe) public static var reasonUnavailable: [Device.Kind: @Sendable () -> String] = [:]

  nonisolated(unsafe) private static var providers: [Device.Kind: @Sendable () throws(DeviceError) -> any DeviceBackend] = [:]

  /// Makes `backend` serve every device of `kind`.
  public static func register(_ backend: any DeviceBackend, for kind: Device.Kind) {
    lock.withLock { backends[kind] = backend }
  }

  /// Makes `provider` create the backend of `kind` the first time a device of that kind is asked
  /// for (KindlingGPU installs CUDA's this way when it is linked). A provider that throws is
  /// asked again next time, and its error reaches the caller.
  public static func registerProvider(
    for kind: Device.Kind, _ provider: @escaping @Sendable () throws(DeviceError) -> any DeviceBackend
  ) {
    lock.withLock { providers[kind] = provider }
  }

  /// Whether the linked backends' registration hook has run (see `kindling_device_backends_hook`).
  nonisolated(unsafe) private static var hookCalled = false

  /// Runs the registration hook a linked backend module left at load time, once.
  private static func callBackendHook() {
    // Its own lock: the hook registers through `lock`, and a second thread waits here until the
    // providers are in.
    hookLock.withLock {
      if hookCalled { return }
      hookCalled = true
      kindling_call_device_backends_hook()
    }
  }
  private static let hookLock = Lock()

  /// The backend of `device`'s kind, or `nil` for the CPU.
  public static func backend(for device: Device) throws(DeviceError) -> (any DeviceBackend)? {
    if device == .cpu { return nil }
    if let backend = lock.withLock({ backends[device.kind] }) { return backend }
    callBackendHook()
    if let provider = lock.withLock({ providers[device.kind] }) {
      let backend: any DeviceBackend
      do {
        backend = try provider()
      } catch {
        // Name the device that was asked for, not the kind's first one.
        if case .noBackend(_, let reason) = error { throw .noBackend(device, reason: reason) }
        throw error
      }
      return lock.withLock {
        if let existing = backends[device.kind] { return existing }
        backends[device.kind] = backend
        return backend
      }
    }
    let reason =
      reasonUnavailable[device.kind]?()
      ?? "no \(device.kind.rawValue.uppercased()) backend is loaded. Kindling's CUDA support lives in "
      + "KindlingGPU: depend on it and check CUDA.isAvailable; on a machine without an NVIDIA GPU and driver, "
      + "keep tensors on the CPU"
    throw .noBackend(device, reason: reason)
  }

  /// The allocator for `device`.
  public static func allocator(for device: Device) throws(DeviceError) -> any StorageAllocator {
    guard let backend = try backend(for: device) else { return CachingCPUAllocator.shared }
    return try backend.allocator(for: device)
  }
}
