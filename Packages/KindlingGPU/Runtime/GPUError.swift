/// Why a GPU operation failed, in words that say what to do.
public enum GPUError: Error, Equatable, Sendable {
  /// A library (the driver, NVRTC, cuBLAS, an OpenCL ICD) or a device is missing; the text
  /// names it and says how to provide it.
  case unavailable(String)
  /// A runtime call failed: `function` returned `code` (the runtime's own `message`).
  case call(runtime: String, function: String, code: Int, message: String)
  /// A kernel source did not compile; `log` is the compiler's output.
  case compilation(runtime: String, log: String)
  /// The device could not provide `requestedBytes` more bytes.
  case outOfMemory(device: String, requestedBytes: Int, freeBytes: Int)
  /// An op has no kernel for this device or dtype.
  case unsupported(op: String, reason: String)
}

extension GPUError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .unavailable(let text): text
    case .call(let runtime, let function, let code, let message):
      "\(runtime) call \(function) failed with error \(code): \(message)."
    case .compilation(let runtime, let log): "\(runtime) could not compile a Kindling kernel:\n\(log)"
    case .outOfMemory(let device, let requested, let free):
      "\(device) out of memory: tried to allocate \(requested) bytes with \(free) bytes free. "
        + "Free tensors you no longer need, or use a smaller batch."
    case .unsupported(let op, let reason): "\(op): \(reason)"
    }
  }
}
