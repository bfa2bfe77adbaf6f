/// Where a tensor's storage lives: the CPU, or one CUDA GPU.
///
/// Printed as PyTorch prints devices: `cpu`, `cuda:0`.
///
/// ```swift
/// print(Device.cpu, Device.cuda, Device.cuda(1))   // cpu cuda:0 cuda:1
/// ```
public struct Device: Hashable, Sendable, Codable {
  /// The kinds of device Kindling knows.
  public enum Kind: String, Hashable, Sendable, Codable {
    case cpu
    case cuda
    /// An OpenCL device (KindlingGPU runs its kernels there too; on machines without a GPU, POCL
    /// runs them on the CPU, which is how the GPU kernels are tested everywhere).
    case opencl
  }

  /// The kind of device.
  public let kind: Kind
  /// The device's ordinal among devices of its kind; always 0 for the CPU.
  public let index: Int

  // Computed and inlinable rather than `static let`s: a global constant costs a `swift_once`
  // check on every read from another module, and every op compares devices.

  /// The CPU.
  @inlinable public static var cpu: Device { Device(kind: .cpu, index: 0) }

  /// The first CUDA GPU, `cuda:0`.
  @inlinable public static var cuda: Device { Device(kind: .cuda, index: 0) }

  /// The first OpenCL device, `opencl:0`.
  @inlinable public static var opencl: Device { Device(kind: .opencl, index: 0) }

  /// The CUDA GPU with ordinal `index` (`torch.device("cuda", index)`).
  ///
  /// - Precondition: `index >= 0`.
  public static func cuda(_ index: Int) -> Device {
    precondition(index >= 0, "Device index must not be negative, but got \(index)")
    return Device(kind: .cuda, index: index)
  }

  /// Parses PyTorch's device strings: `cpu`, `cuda`, `cuda:1` (and `opencl`, `opencl:0`).
  public init?(_ string: String) {
    let parts = string.split(separator: ":", omittingEmptySubsequences: false)
    guard let kind = Kind(rawValue: String(parts[0])), parts.count <= 2 else { return nil }
    if parts.count == 2 {
      guard let index = Int(parts[1]), index >= 0, kind != .cpu || index == 0 else { return nil }
      self.init(kind: kind, index: index)
    } else {
      self.init(kind: kind, index: 0)
    }
  }

  @usableFromInline
  init(kind: Kind, index: Int) {
    self.kind = kind
    self.index = index
  }

  /// `true` for a CUDA device.
  public var isCUDA: Bool { kind == .cuda }
}

extension Device: CustomStringConvertible {
  /// `cpu`, `cuda:<index>` or `opencl:<index>`.
  public var description: String {
    switch kind {
    case .cpu: "cpu"
    case .cuda: "cuda:\(index)"
    case .opencl: "opencl:\(index)"
    }
  }
}
