import CKindlingCUDA

/// NVRTC, CUDA's run-time compiler, opened with ``LibraryLocator/nvrtc``: compiles Kindling's
/// kernel dialect (``KernelDialect/cuda``) to a CUBIN for one GPU architecture. No GPU is needed
/// to compile.
///
/// Options: `--gpu-architecture=sm_XY`, `-default-device`, `--std=c++17`; never `-use_fast_math`, so
/// float math keeps IEEE results. When this NVRTC predates the architecture (it does not list it
/// among its supported ones), it emits PTX for the newest `compute_XY` it knows below the
/// device's instead, which the driver compiles on load.
package final class NVRTC: @unchecked Sendable {
  /// NVRTC of this process, opened on first use.
  package static let shared: Result<NVRTC, GPUError> = Result { () throws(GPUError) in
    let (api, path) = try LibraryLocator.nvrtc.open(kd_nvrtc(), with: kd_nvrtc_open)
    return try NVRTC(api: api, path: path)
  }

  /// The options every compilation passes (the architecture comes first).
  package static let options = ["-default-device", "--std=c++17"]

  let api: kd_nvrtc
  /// Where the library was found.
  package let path: String
  /// NVRTC's version, such as (13, 0).
  package let version: (major: Int, minor: Int)
  /// The `sm_XY` numbers (XY) it compiles for; empty when this NVRTC cannot say (before 11.2).
  package let supportedArchitectures: [Int]

  init(api: kd_nvrtc, path: String) throws(GPUError) {
    self.api = api
    self.path = path
    var major: Int32 = 0
    var minor: Int32 = 0
    var architectures: [Int] = []
    do throws(GPUError) {
      try Self.check(api, api.nvrtcVersion(&major, &minor), "nvrtcVersion")
      if let countArchitectures = api.nvrtcGetNumSupportedArchs, let listArchitectures = api.nvrtcGetSupportedArchs {
        var count: Int32 = 0
        try Self.check(api, countArchitectures(&count), "nvrtcGetNumSupportedArchs")
        var list = [Int32](repeating: 0, count: Int(count))
        try Self.check(api, listArchitectures(&list), "nvrtcGetSupportedArchs")
        architectures = list.map(Int.init)
      }
    } catch {
      var api = api
      kd_nvrtc_close(&api)
      throw error
    }
    version = (Int(major), Int(minor))
    supportedArchitectures = architectures
  }

  deinit {
    var api = self.api
    kd_nvrtc_close(&api)
  }

  /// Compiles `source` (dialect text without the prelude) for `architecture` (`sm_90`) with the
  /// NVRTC of this process; see ``compile(_:architecture:)-instance``.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` when NVRTC cannot be found,
  ///   ``GPUError/compilation(runtime:log:)`` with NVRTC's log when the source does not compile.
  package static func compile(_ source: String, architecture: String) throws(GPUError) -> [UInt8] {
    try shared.get().compile(source, architecture: architecture)
  }

  /// Compiles ``KernelDialect/cuda``'s prelude followed by `source` for `architecture`
  /// (`sm_XY`) and returns the CUBIN, or NUL-terminated PTX when this NVRTC predates the
  /// architecture (see the type's overview). Either loads with `cuModuleLoadData`.
  package func compile(_ source: String, architecture: String) throws(GPUError) -> [UInt8] {
    let target = try self.target(for: architecture)
    var program: kd_nvrtc_program? = nil
    try check(
      api.nvrtcCreateProgram(&program, KernelDialect.cuda.prelude + source, "kindling.cu", 0, nil, nil),
      "nvrtcCreateProgram")
    defer { _ = api.nvrtcDestroyProgram(&program) }

    let options = ["--gpu-architecture=\(target.name)"] + Self.options
    let status = withCStrings(options) { pointers in
      api.nvrtcCompileProgram(program, Int32(pointers.count), pointers)
    }
    if status != 0 {
      let log = programLog(program)
      if status == Self.compilationErrorCode { throw .compilation(runtime: "NVRTC", log: log) }
      throw .call(
        runtime: "NVRTC", function: "nvrtcCompileProgram", code: Int(status),
        message: errorString(status) + (log.isEmpty ? "" : "\n" + log))
    }

    var size = 0
    if target.isCUBIN {
      try check(api.nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize")
      var image = [UInt8](repeating: 0, count: size)
      let copied = image.withUnsafeMutableBytes {
        api.nvrtcGetCUBIN(program, $0.baseAddress?.assumingMemoryBound(to: CChar.self))
      }
      try check(copied, "nvrtcGetCUBIN")
      return image
    }
    try check(api.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize")  // includes the NUL
    var image = [UInt8](repeating: 0, count: size)
    let copied = image.withUnsafeMutableBytes {
      api.nvrtcGetPTX(program, $0.baseAddress?.assumingMemoryBound(to: CChar.self))
    }
    try check(copied, "nvrtcGetPTX")
    return image
  }

  /// `sm_XY` when this NVRTC supports the architecture (or cannot say), else `compute_VW` for the
  /// newest supported VW ≤ XY.
  func target(for architecture: String) throws(GPUError) -> (name: String, isCUBIN: Bool) {
    guard architecture.hasPrefix("sm_"), let number = Int(architecture.dropFirst(3).prefix { $0.isNumber }) else {
      throw .unsupported(op: "NVRTC", reason: "\(architecture) is not a GPU architecture of the form sm_XY")
    }
    if supportedArchitectures.isEmpty || supportedArchitectures.contains(number) { return (architecture, true) }
    guard let older = supportedArchitectures.filter({ $0 <= number }).max() else {
      throw .unsupported(
        op: "NVRTC",
        reason: "NVRTC \(version.major).\(version.minor) (\(path)) cannot compile for \(architecture): it supports "
          + supportedArchitectures.map { "sm_\($0)" }.joined(separator: ", "))
    }
    return ("compute_\(older)", false)
  }

  /// `NVRTC_ERROR_COMPILATION`.
  static let compilationErrorCode: kd_nvrtc_result = 6

  func programLog(_ program: kd_nvrtc_program?) -> String {
    var size = 0
    guard api.nvrtcGetProgramLogSize(program, &size) == 0, size > 1 else { return "" }
    var log = [CChar](repeating: 0, count: size)
    guard api.nvrtcGetProgramLog(program, &log) == 0 else { return "" }
    return String(nulTerminated: log)
  }

  func errorString(_ status: kd_nvrtc_result) -> String {
    api.nvrtcGetErrorString(status).map { String(cString: $0) } ?? "unknown error"
  }

  func check(_ status: kd_nvrtc_result, _ function: String) throws(GPUError) {
    try Self.check(api, status, function)
  }

  static func check(_ api: kd_nvrtc, _ status: kd_nvrtc_result, _ function: String) throws(GPUError) {
    guard status != 0 else { return }
    let message = api.nvrtcGetErrorString(status).map { String(cString: $0) } ?? "unknown error"
    throw .call(runtime: "NVRTC", function: function, code: Int(status), message: message)
  }
}
