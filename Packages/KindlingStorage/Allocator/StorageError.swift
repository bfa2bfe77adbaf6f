/// Why a storage could not be allocated.
public enum StorageError: Error, Equatable, Sendable {
  /// The allocator could not provide `requestedBytes`, even after returning its cache to the
  /// system. `limitBytes` is the allocator's memory limit, if it has one.
  case outOfMemory(device: Device, requestedBytes: Int, bytesInUse: Int, limitBytes: Int?)
}

extension StorageError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .outOfMemory(let device, let requested, let inUse, let limit):
      let limitText = limit.map { ", limit \(formatBytes($0))" } ?? ""
      let advice =
        limit == nil
        ? "Use smaller batches or tensors, or free tensors you no longer need."
        : "Use smaller batches or tensors, free tensors you no longer need, or raise the allocator's memoryLimit."
      return
        "\(device.kind == .cpu ? "CPU" : device.kind == .cuda ? "CUDA" : "OpenCL") out of memory: tried to allocate \(formatBytes(requested)) "
        + "on \(device) (\(formatBytes(inUse)) in use\(limitText)). \(advice)"
    }
  }
}

/// Formats a byte count as PyTorch's memory messages do: `20.00 MiB`.
public func formatBytes(_ bytes: Int) -> String {
  let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024, unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  if unit == 0 { return "\(bytes) bytes" }
  let hundredths = Int((value * 100).rounded())
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
}
