/// How a launch passes each argument: the bytes the kernel's parameter holds.
extension KernelArgument {
  /// The parameter's bytes as the host lays them out: a buffer's handle (a `CUdeviceptr` or a
  /// `cl_mem`, pointer-sized), the scalar's bytes, or a struct's bytes.
  package var parameterBytes: [UInt8] {
    switch self {
    case .buffer(let pointer): Self.bytes(of: UInt(bitPattern: pointer))
    case .int32(let value): Self.bytes(of: value)
    case .int64(let value): Self.bytes(of: value)
    case .float32(let value): Self.bytes(of: value)
    case .float64(let value): Self.bytes(of: value)
    case .bytes(let bytes): bytes
    }
  }

  private static func bytes<T>(of value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
  }
}
