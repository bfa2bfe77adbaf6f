import CKindlingOpenCL
import Foundation
import Synchronization

/// Kindling's kernels on OpenCL 1.2: one device, one context, one in-order command queue.
///
/// The device is the first that works, GPUs before CPUs, in the order the platforms list them;
/// `KINDLING_OPENCL_DEVICE=<n>` picks the n-th of that list instead. POCL
/// (`apt-get install pocl-opencl-icd ocl-icd-libopencl1`) runs every kernel on the CPU, which is
/// how machines without a GPU test the GPU backend.
///
/// Buffers are `cl_mem` handles. Copies to the device are blocking writes (the host memory may be
/// reused when they return); ``copyToHost(from:offset:to:byteCount:)`` finishes the queue and
/// reads. ``blas`` is `nil`: the backend uses its own GEMM kernel.
package final class OpenCLRuntime: KernelRuntime, @unchecked Sendable {
  package let name: String
  package let dialect = KernelDialect.openCL
  package var blas: (any DeviceBLAS)? { nil }

  /// The options every program is built with.
  package static let buildOptions = "-cl-std=CL1.2"

  let library: OpenCLLibrary
  let device: kd_cl_device
  let context: kd_cl_context
  let queue: kd_cl_queue
  /// `CL_DEVICE_GLOBAL_MEM_SIZE`.
  let totalMemory: Int
  /// Whether the device has `double` (`cl_khr_fp64`).
  package let supportsFloat64: Bool
  private let programs = KernelCache<OpenCLProgram>()
  /// The size of every live buffer (OpenCL reports no free memory, so ``memoryInfo()`` counts).
  private let allocations = Mutex<[UInt: Int]>([:])
  /// Held while a launch sets a kernel's arguments and enqueues it.
  private let launchLock = Mutex(())

  /// The runtime of this process, created on first use.
  package static let shared: Result<OpenCLRuntime, GPUError> = Result { () throws(GPUError) in
    try OpenCLRuntime(environment: ProcessInfo.processInfo.environment)
  }

  /// The runtime of this process (``shared``).
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` with the reason when there is no OpenCL library,
  ///   platform or device.
  package static func make() throws(GPUError) -> OpenCLRuntime { try shared.get() }

  /// A new runtime on the library and device that `environment` selects (`KINDLING_OPENCL`,
  /// `KINDLING_OPENCL_DEVICE`).
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` with the reason when there is no OpenCL library,
  ///   platform or device.
  package init(environment: [String: String]) throws(GPUError) {
    let library = try OpenCLLibrary(environment: environment)
    let candidates = try Self.devices(library)
    var chosen = candidates
    if let text = environment["KINDLING_OPENCL_DEVICE"], !text.isEmpty {
      guard let index = Int(text), candidates.indices.contains(index) else {
        throw .unavailable(
          "KINDLING_OPENCL_DEVICE=\(text) is not a device index: OpenCL found \(candidates.count) device"
            + "\(candidates.count == 1 ? "" : "s") ("
            + candidates.map { library.deviceName($0) }
            .joined(separator: ", ") + ").")
      }
      chosen = [candidates[index]]
    }
    var failures: [String] = []
    for device in chosen {
      do throws(GPUError) {
        let (context, queue) = try Self.contextAndQueue(library, device)
        self.library = library
        self.device = device!
        self.context = context
        self.queue = queue
        name = "OpenCL (\(library.deviceName(device)))"
        // CL_DEVICE_GLOBAL_MEM_SIZE, CL_DEVICE_DOUBLE_FP_CONFIG
        totalMemory = Int(library.deviceValue(device, 0x101F, as: UInt64.self) ?? 0)
        supportsFloat64 = (library.deviceValue(device, 0x1032, as: UInt64.self) ?? 0) != 0
        return
      } catch {
        failures.append("\(library.deviceName(device)): \(error)")
      }
    }
    throw .unavailable(
      "OpenCL is not available: no device could be opened (\(library.path)):\n"
        + failures.map { "  - \($0)" }.joined(separator: "\n"))
  }

  deinit {
    _ = library.api.clFinish(queue)
    _ = library.api.clReleaseCommandQueue(queue)
    _ = library.api.clReleaseContext(context)
  }

  /// Every device of every platform, GPUs first.
  static func devices(_ library: OpenCLLibrary) throws(GPUError) -> [kd_cl_device?] {
    let noPlatform = GPUError.unavailable(
      "OpenCL is not available: \(library.path) found no OpenCL platform (no driver is installed). "
        + LibraryLocator.openCL.installHint)
    var count: kd_cl_uint = 0
    guard library.api.clGetPlatformIDs(0, nil, &count) == 0, count > 0 else { throw noPlatform }
    var platforms = [kd_cl_platform?](repeating: nil, count: Int(count))
    try library.check(library.api.clGetPlatformIDs(count, &platforms, nil), "clGetPlatformIDs")
    var gpus: [kd_cl_device?] = []
    var others: [kd_cl_device?] = []
    for platform in platforms {
      for (type, isGPU) in [(UInt64(1 << 2), true), (UInt64(0xFFFF_FFFF) & ~UInt64(1 << 2), false)] {
        var deviceCount: kd_cl_uint = 0
        guard library.api.clGetDeviceIDs(platform, type, 0, nil, &deviceCount) == 0, deviceCount > 0 else { continue }
        var devices = [kd_cl_device?](repeating: nil, count: Int(deviceCount))
        guard library.api.clGetDeviceIDs(platform, type, deviceCount, &devices, nil) == 0 else { continue }
        if isGPU { gpus += devices } else { others += devices }
      }
    }
    guard !(gpus + others).isEmpty else {
      throw .unavailable(
        "OpenCL is not available: its platforms ("
          + platforms.map { library.platformName($0) }
          .joined(separator: ", ") + ") have no device. " + LibraryLocator.openCL.installHint)
    }
    return gpus + others
  }

  /// A context on `device` and an in-order queue in it.
  static func contextAndQueue(_ library: OpenCLLibrary, _ device: kd_cl_device?) throws(GPUError) -> (
    kd_cl_context, kd_cl_queue
  ) {
    var status: kd_cl_int = 0
    var devices = [device]
    let context = library.api.clCreateContext(nil, 1, &devices, nil, nil, &status)
    try library.check(status, "clCreateContext")
    guard let context else {
      throw .call(runtime: "OpenCL", function: "clCreateContext", code: 0, message: "no context")
    }
    var queue: kd_cl_queue?
    if let createWithProperties = library.api.clCreateCommandQueueWithProperties {
      queue = createWithProperties(context, device, nil, &status)
    } else {
      queue = library.api.clCreateCommandQueue(context, device, 0, &status)
    }
    guard status == 0, let queue else {
      _ = library.api.clReleaseContext(context)
      throw .call(
        runtime: "OpenCL", function: "clCreateCommandQueue", code: Int(status), message: OpenCLLibrary.name(of: status))
    }
    return (context, queue)
  }

  // MARK: - Memory

  package func allocate(byteCount: Int) throws(GPUError) -> UnsafeMutableRawPointer {
    precondition(byteCount > 0, "allocate(byteCount:) needs a positive size, not \(byteCount)")
    var status: kd_cl_int = 0
    let buffer = library.api.clCreateBuffer(context, 1 /* CL_MEM_READ_WRITE */, byteCount, nil, &status)
    guard status == 0, let buffer else {
      if [-4, -5, -6, -61].contains(status) {
        throw .outOfMemory(device: name, requestedBytes: byteCount, freeBytes: (try? memoryInfo().free) ?? 0)
      }
      throw .call(
        runtime: "OpenCL", function: "clCreateBuffer", code: Int(status), message: OpenCLLibrary.name(of: status))
    }
    allocations.withLock { $0[UInt(bitPattern: buffer)] = byteCount }
    return buffer
  }

  package func free(_ buffer: UnsafeMutableRawPointer) {
    allocations.withLock { _ = $0.removeValue(forKey: UInt(bitPattern: buffer)) }
    let status = library.api.clReleaseMemObject(buffer)
    assert(status == 0, "clReleaseMemObject failed: \(OpenCLLibrary.name(of: status))")
  }

  package func memoryInfo() throws(GPUError) -> (free: Int, total: Int) {
    let used = allocations.withLock { $0.values.reduce(0, +) }
    return (max(0, totalMemory - used), totalMemory)
  }

  // MARK: - Copies

  package func copyToDevice(
    from host: UnsafeRawPointer, to buffer: UnsafeMutableRawPointer, offset: Int, byteCount: Int
  ) throws(GPUError) {
    guard byteCount > 0 else { return }
    try library.check(
      library.api.clEnqueueWriteBuffer(queue, buffer, 1, offset, byteCount, host, 0, nil, nil), "clEnqueueWriteBuffer")
  }

  package func copyToHost(
    from buffer: UnsafeMutableRawPointer, offset: Int, to host: UnsafeMutableRawPointer, byteCount: Int
  ) throws(GPUError) {
    try synchronize()
    guard byteCount > 0 else { return }
    try library.check(
      library.api.clEnqueueReadBuffer(queue, buffer, 1, offset, byteCount, host, 0, nil, nil), "clEnqueueReadBuffer")
  }

  package func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, to destination: UnsafeMutableRawPointer,
    offset destinationOffset: Int, byteCount: Int
  ) throws(GPUError) {
    guard byteCount > 0 else { return }
    try library.check(
      library.api.clEnqueueCopyBuffer(
        queue, source, destination, sourceOffset, destinationOffset, byteCount, 0, nil, nil),
      "clEnqueueCopyBuffer")
  }

  package func synchronize() throws(GPUError) {
    try library.check(library.api.clFinish(queue), "clFinish")
  }

  // MARK: - Kernels

  package func compile(_ source: String, kernels: [String]) throws(GPUError) -> [String: any KernelFunction] {
    try programs.kernels(kernels, of: source) { () throws(GPUError) in try build(source) }
  }

  /// Builds ``KernelDialect/openCL``'s prelude followed by `source` for the device.
  func build(_ source: String) throws(GPUError) -> OpenCLProgram {
    var status: kd_cl_int = 0
    let text = dialect.prelude + source
    let handle = withCStrings([text]) { strings in
      var strings = strings
      return library.api.clCreateProgramWithSource(context, 1, &strings, nil, &status)
    }
    try library.check(status, "clCreateProgramWithSource")
    guard let handle else {
      throw .call(runtime: "OpenCL", function: "clCreateProgramWithSource", code: 0, message: "no program")
    }
    let program = OpenCLProgram(library: library, handle: handle)  // releases the handle when dropped
    var devices = [Optional(device)]
    let built = library.api.clBuildProgram(handle, 1, &devices, Self.buildOptions, nil, nil)
    guard built == 0 else {
      let log = library.string { library.api.clGetProgramBuildInfo(handle, device, 0x1183, $0, $1, $2) }  // BUILD_LOG
      if built == -11 { throw .compilation(runtime: "OpenCL", log: log) }  // CL_BUILD_PROGRAM_FAILURE
      throw .call(
        runtime: "OpenCL", function: "clBuildProgram", code: Int(built),
        message: OpenCLLibrary.name(of: built) + (log.isEmpty ? "" : "\n" + log))
    }
    return program
  }

  package func launch(
    _ kernel: any KernelFunction, blocks: Int, threadsPerBlock: Int, arguments: [KernelArgument]
  ) throws(GPUError) {
    guard let kernel = kernel as? OpenCLKernel else {
      preconditionFailure("launch: \(kernel.name) was not compiled by an OpenCLRuntime")
    }
    precondition(blocks >= 0 && threadsPerBlock > 0, "launch: \(blocks) blocks of \(threadsPerBlock) threads")
    guard blocks > 0 else { return }
    var global = blocks * threadsPerBlock
    var local = threadsPerBlock
    try launchLock.withLock { (_) throws(GPUError) in
      for (index, argument) in arguments.enumerated() {
        let bytes = argument.parameterBytes
        let status = bytes.withUnsafeBytes {
          library.api.clSetKernelArg(kernel.handle, kd_cl_uint(index), $0.count, $0.baseAddress)
        }
        guard status == 0 else {
          throw .call(
            runtime: "OpenCL", function: "clSetKernelArg", code: Int(status),
            message: "\(OpenCLLibrary.name(of: status)) (argument \(index) of \(kernel.name))")
        }
      }
      try library.check(
        library.api.clEnqueueNDRangeKernel(queue, kernel.handle, 1, nil, &global, &local, 0, nil, nil),
        "clEnqueueNDRangeKernel")
    }
  }
}
