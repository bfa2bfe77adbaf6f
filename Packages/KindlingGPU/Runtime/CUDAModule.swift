import CKindlingCUDA

/// One loaded CUDA module (the CUBIN or PTX of a kernel source) and its kernels, looked up once
/// per name.
final class CUDAModule: KernelProgram, @unchecked Sendable {
  let driver: CUDADriver
  /// The context the module is loaded in (the runtime's; not the runtime itself, which caches
  /// its modules).
  let context: kd_cu_context
  let handle: kd_cu_module
  private let kernels = KernelCache<CUDAKernel>()

  init(driver: CUDADriver, context: kd_cu_context, handle: kd_cu_module) {
    self.driver = driver
    self.context = context
    self.handle = handle
  }

  deinit {
    _ = driver.api.cuCtxSetCurrent(context)
    _ = driver.api.cuModuleUnload(handle)
  }

  /// The kernel `name` of this module.
  ///
  /// - Throws: ``GPUError/call(runtime:function:code:message:)`` when the module has no such
  ///   kernel (`CUDA_ERROR_NOT_FOUND`).
  func kernel(named name: String) throws(GPUError) -> any KernelFunction {
    try kernels.value(for: name) { () throws(GPUError) in
      try driver.call(driver.api.cuCtxSetCurrent(context), "cuCtxSetCurrent")
      var function: kd_cu_function?
      try driver.call(driver.api.cuModuleGetFunction(&function, handle, name), "cuModuleGetFunction")
      guard let function else {
        throw .call(runtime: "CUDA", function: "cuModuleGetFunction", code: 0, message: "no kernel \(name)")
      }
      return CUDAKernel(name: name, handle: function, module: self)
    }
  }
}

/// A kernel of a ``CUDAModule`` (a `CUfunction`).
final class CUDAKernel: KernelFunction, @unchecked Sendable {
  let name: String
  let handle: kd_cu_function
  /// Keeps the module loaded as long as the kernel.
  let module: CUDAModule

  init(name: String, handle: kd_cu_function, module: CUDAModule) {
    self.name = name
    self.handle = handle
    self.module = module
  }
}
