import CKindlingOpenCL

/// One built OpenCL program (a kernel source) and its kernels, created once per name.
final class OpenCLProgram: KernelProgram, @unchecked Sendable {
  let library: OpenCLLibrary
  let handle: kd_cl_program
  private let kernels = KernelCache<OpenCLKernel>()

  init(library: OpenCLLibrary, handle: kd_cl_program) {
    self.library = library
    self.handle = handle
  }

  deinit { _ = library.api.clReleaseProgram(handle) }

  /// The kernel `name` of this program.
  ///
  /// - Throws: ``GPUError/call(runtime:function:code:message:)`` when the program has no such kernel.
  func kernel(named name: String) throws(GPUError) -> any KernelFunction {
    try kernels.value(for: name) { () throws(GPUError) in
      var status: kd_cl_int = 0
      let kernel = library.api.clCreateKernel(handle, name, &status)
      guard status == 0, let kernel else {
        throw .call(
          runtime: "OpenCL", function: "clCreateKernel", code: Int(status),
          message: "\(OpenCLLibrary.name(of: status)) (kernel \(name))")
      }
      return OpenCLKernel(name: name, handle: kernel, program: self)
    }
  }
}

/// A kernel of an ``OpenCLProgram`` (a `cl_kernel`). Its arguments are state of the kernel object,
/// so ``OpenCLRuntime`` sets them and enqueues it under one lock.
final class OpenCLKernel: KernelFunction, @unchecked Sendable {
  let name: String
  let handle: kd_cl_kernel
  /// Keeps the program alive as long as the kernel.
  let program: OpenCLProgram

  init(name: String, handle: kd_cl_kernel, program: OpenCLProgram) {
    self.name = name
    self.handle = handle
    self.program = program
  }

  deinit { _ = program.library.api.clReleaseKernel(handle) }
}
