import CKindlingCUDA

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The CUDA driver API, opened at run time with `dlopen` (no CUDA needed to build Kindling).
final class CUDADriver: @unchecked Sendable {
  /// The environment variable that overrides the driver library's path.
  static let libraryVariable = "KINDLING_CUDA_DRIVER"
  /// The driver library's name, as the NVIDIA driver installs it.
  static let defaultLibrary = "libcuda.so.1"

  /// The driver of this process, opened and initialized on first use.
  static let shared: Result<CUDADriver, CUDAError> = {
    let library = getenv(libraryVariable).map { String(cString: $0) } ?? defaultLibrary
    return Result { () throws(CUDAError) in try CUDADriver(library: library) }
  }()

  let api: kd_cuda_driver

  /// Opens `library`, binds the entry points and calls `cuInit`.
  init(library: String) throws(CUDAError) {
    var api = kd_cuda_driver()
    var message = [CChar](repeating: 0, count: 512)
    guard kd_cuda_driver_open(library, &api, &message, message.count) == 0 else {
      throw .driverNotFound(library: library, reason: String(nulTerminated: message))
    }
    self.api = api
    let status = api.cuInit(0)
    if status == Self.noDeviceCode { throw .noDevice }
    try check(status, "cuInit")
  }

  deinit {
    var api = self.api
    kd_cuda_driver_close(&api)
  }

  /// `CUDA_ERROR_NO_DEVICE`.
  static let noDeviceCode: kd_cu_result = 100

  /// Throws a ``CUDAError`` with the driver's own text unless `status` is `CUDA_SUCCESS`.
  func check(_ status: kd_cu_result, _ function: String) throws(CUDAError) {
    guard status != 0 else { return }
    var text: UnsafePointer<CChar>?
    _ = api.cuGetErrorString(status, &text)
    throw .driverCall(
      function: function, code: Int(status), message: text.map { String(cString: $0) } ?? "unknown error")
  }

  func deviceCount() throws(CUDAError) -> Int {
    var count: Int32 = 0
    try check(api.cuDeviceGetCount(&count), "cuDeviceGetCount")
    return Int(count)
  }

  func version() throws(CUDAError) -> Int {
    var version: Int32 = 0
    try check(api.cuDriverGetVersion(&version), "cuDriverGetVersion")
    return Int(version)
  }

  func properties(of index: Int) throws(CUDAError) -> CUDADeviceProperties {
    let count = try deviceCount()
    guard (0..<count).contains(index) else { throw .invalidDevice(index: index, count: count) }
    var device: kd_cu_device = 0
    try check(api.cuDeviceGet(&device, Int32(index)), "cuDeviceGet")
    var name = [CChar](repeating: 0, count: 256)
    try check(api.cuDeviceGetName(&name, Int32(name.count), device), "cuDeviceGetName")
    var memory = 0
    try check(api.cuDeviceTotalMem(&memory, device), "cuDeviceTotalMem_v2")
    var major: Int32 = 0
    var minor: Int32 = 0
    try check(api.cuDeviceGetAttribute(&major, 75, device), "cuDeviceGetAttribute")  // COMPUTE_CAPABILITY_MAJOR
    try check(api.cuDeviceGetAttribute(&minor, 76, device), "cuDeviceGetAttribute")  // COMPUTE_CAPABILITY_MINOR
    return CUDADeviceProperties(
      index: index, name: String(nulTerminated: name), totalMemory: memory,
      computeCapability: (Int(major), Int(minor)))
  }
}
