import CKindlingCUDA
import Foundation
import Synchronization

/// Kindling's kernels on an NVIDIA GPU: the primary context of one device and one stream, through
/// the driver API (``CUDADriver``), with kernels compiled by ``NVRTC`` for the device's compute
/// capability.
///
/// Every call makes the context current on the calling thread first, so any thread may use the
/// runtime. Buffers are `CUdeviceptr`s. Copies and launches are queued on the stream; a copy from
/// pageable host memory has read it when ``copyToDevice(from:to:offset:byteCount:)`` returns, and
/// ``copyToHost(from:offset:to:byteCount:)`` waits for the stream.
///
/// Compiled kernels are cached in memory by source and on disk (``KernelDiskCache``) by source,
/// architecture, driver and NVRTC versions. ``blas`` is cuBLAS when ``LibraryLocator/cublas``
/// finds it, else `nil`.
package final class CUDARuntime: KernelRuntime, @unchecked Sendable {
  package let name: String
  package let dialect = KernelDialect.cuda

  let driver: CUDADriver
  /// The device's ordinal.
  package let deviceIndex: Int
  let device: kd_cu_device
  let context: kd_cu_context
  let stream: kd_cu_stream
  /// `sm_XY` of the device.
  package let architecture: String
  /// The driver's CUDA version (13000 for 13.0).
  package let driverVersion: Int
  private let modules = KernelCache<CUDAModule>()
  private let diskCache: KernelDiskCache?
  /// cuBLAS, created on first use (`nil` inside once it could not be).
  private let cublas = Mutex<CUDABLAS??>(nil)

  /// The runtime on device `index` (`cuda:<index>`), with kernels cached on disk in `diskCache`.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` when the NVIDIA driver cannot be loaded or has no
  ///   such device (the text says why and what to do), ``GPUError/call(runtime:function:code:message:)``
  ///   when a driver call fails.
  package init(device index: Int = 0, diskCache: KernelDiskCache? = .standard()) throws(GPUError) {
    let driver: CUDADriver
    let properties: CUDADeviceProperties
    do throws(CUDAError) {
      driver = try CUDADriver.shared.get()
      properties = try driver.properties(of: index)
      driverVersion = try driver.version()
    } catch {
      throw GPUError(error)
    }
    var device: kd_cu_device = 0
    try driver.call(driver.api.cuDeviceGet(&device, Int32(index)), "cuDeviceGet")
    var context: kd_cu_context?
    try driver.call(driver.api.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
    var stream: kd_cu_stream?
    do throws(GPUError) {
      try driver.call(driver.api.cuCtxSetCurrent(context), "cuCtxSetCurrent")
      try driver.call(driver.api.cuStreamCreate(&stream, 0), "cuStreamCreate")
    } catch {
      _ = driver.api.cuDevicePrimaryCtxRelease(device)
      throw error
    }
    guard let context, let stream else {
      _ = driver.api.cuDevicePrimaryCtxRelease(device)
      throw .call(runtime: "CUDA", function: "cuStreamCreate", code: 0, message: "no context or stream")
    }
    self.driver = driver
    self.deviceIndex = index
    self.device = device
    self.context = context
    self.stream = stream
    self.diskCache = diskCache
    let (major, minor) = properties.computeCapability
    architecture = "sm_\(major)\(minor)"
    name = "CUDA (\(properties.name), \(architecture))"
  }

  deinit {
    _ = driver.api.cuCtxSetCurrent(context)
    _ = driver.api.cuStreamSynchronize(stream)
    // Unload the modules (those no kernel object still holds) and destroy the cuBLAS handle while
    // the context lives.
    modules.removeAll()
    cublas.withLock { $0 = nil }
    _ = driver.api.cuStreamDestroy(stream)
    _ = driver.api.cuDevicePrimaryCtxRelease(device)
  }

  /// Makes the runtime's context current on the calling thread (cheap; every call does it).
  func makeCurrent() throws(GPUError) {
    try driver.call(driver.api.cuCtxSetCurrent(context), "cuCtxSetCurrent")
  }

  /// The `CUdeviceptr` of a buffer, plus `offset` bytes.
  static func address(_ buffer: UnsafeRawPointer, _ offset: Int = 0) -> kd_cu_deviceptr {
    kd_cu_deviceptr(UInt(bitPattern: buffer)) + kd_cu_deviceptr(offset)
  }

  // MARK: - Memory

  package func allocate(byteCount: Int) throws(GPUError) -> UnsafeMutableRawPointer {
    precondition(byteCount > 0, "allocate(byteCount:) needs a positive size, not \(byteCount)")
    try makeCurrent()
    var address: kd_cu_deviceptr = 0
    let status = driver.api.cuMemAlloc(&address, byteCount)
    if status == CUDADriver.outOfMemoryCode {
      throw .outOfMemory(device: name, requestedBytes: byteCount, freeBytes: (try? memoryInfo().free) ?? 0)
    }
    try driver.call(status, "cuMemAlloc_v2")
    guard let buffer = UnsafeMutableRawPointer(bitPattern: UInt(address)) else {
      throw .call(runtime: "CUDA", function: "cuMemAlloc_v2", code: 0, message: "returned a null address")
    }
    return buffer
  }

  package func free(_ buffer: UnsafeMutableRawPointer) {
    let status = driver.api.cuCtxSetCurrent(context) == 0 ? driver.api.cuMemFree(Self.address(buffer)) : -1
    assert(status == 0, "cuMemFree_v2 failed with error \(status)")
  }

  package func memoryInfo() throws(GPUError) -> (free: Int, total: Int) {
    try makeCurrent()
    var free = 0
    var total = 0
    try driver.call(driver.api.cuMemGetInfo(&free, &total), "cuMemGetInfo_v2")
    return (free, total)
  }

  // MARK: - Copies

  package func copyToDevice(
    from host: UnsafeRawPointer, to buffer: UnsafeMutableRawPointer, offset: Int, byteCount: Int
  ) throws(GPUError) {
    guard byteCount > 0 else { return }
    try makeCurrent()
    try driver.call(
      driver.api.cuMemcpyHtoDAsync(Self.address(buffer, offset), host, byteCount, stream), "cuMemcpyHtoDAsync_v2")
  }

  package func copyToHost(
    from buffer: UnsafeMutableRawPointer, offset: Int, to host: UnsafeMutableRawPointer, byteCount: Int
  ) throws(GPUError) {
    try makeCurrent()
    if byteCount > 0 {
      try driver.call(
        driver.api.cuMemcpyDtoHAsync(host, Self.address(buffer, offset), byteCount, stream), "cuMemcpyDtoHAsync_v2")
    }
    try driver.call(driver.api.cuStreamSynchronize(stream), "cuStreamSynchronize")
  }

  package func copy(
    from source: UnsafeMutableRawPointer, offset sourceOffset: Int, to destination: UnsafeMutableRawPointer,
    offset destinationOffset: Int, byteCount: Int
  ) throws(GPUError) {
    guard byteCount > 0 else { return }
    try makeCurrent()
    try driver.call(
      driver.api.cuMemcpyDtoDAsync(
        Self.address(destination, destinationOffset), Self.address(source, sourceOffset), byteCount, stream),
      "cuMemcpyDtoDAsync_v2")
  }

  package func synchronize() throws(GPUError) {
    try makeCurrent()
    try driver.call(driver.api.cuStreamSynchronize(stream), "cuStreamSynchronize")
  }

  // MARK: - Kernels

  package func compile(_ source: String, kernels: [String]) throws(GPUError) -> [String: any KernelFunction] {
    try modules.kernels(kernels, of: source) { () throws(GPUError) in try load(source) }
  }

  /// Compiles `source` (or reads its image from the disk cache) and loads it as a module.
  func load(_ source: String) throws(GPUError) -> CUDAModule {
    let image = try image(of: source)
    try makeCurrent()
    var handle: kd_cu_module?
    let status = image.withUnsafeBytes { driver.api.cuModuleLoadData(&handle, $0.baseAddress) }
    try driver.call(status, "cuModuleLoadData")
    guard let handle else { throw .call(runtime: "CUDA", function: "cuModuleLoadData", code: 0, message: "no module") }
    return CUDAModule(driver: driver, context: context, handle: handle)
  }

  /// The CUBIN (or PTX) of `source` for this device: from the disk cache, else from NVRTC (and
  /// then stored in the disk cache).
  func image(of source: String) throws(GPUError) -> [UInt8] {
    let nvrtc = try NVRTC.shared.get()
    let key = [
      "source:\(KernelDialect.cuda.prelude + source)", "architecture:\(architecture)", "driver:\(driverVersion)",
      "nvrtc:\(nvrtc.version.major).\(nvrtc.version.minor)", "options:\(NVRTC.options.joined(separator: " "))",
    ].joined(separator: "\n")
    if let cached = diskCache?.load(key) { return cached }
    let image = try nvrtc.compile(source, architecture: architecture)
    diskCache?.store(image, for: key)
    return image
  }

  package func launch(
    _ kernel: any KernelFunction, blocks: Int, threadsPerBlock: Int, arguments: [KernelArgument]
  ) throws(GPUError) {
    guard let kernel = kernel as? CUDAKernel else {
      preconditionFailure("launch: \(kernel.name) was not compiled by a CUDARuntime")
    }
    precondition(
      (0...Int(Int32.max)).contains(blocks) && (1...1024).contains(threadsPerBlock),
      "launch: \(blocks) blocks of \(threadsPerBlock) threads (CUDA allows up to 2^31 - 1 blocks of up to 1024)")
    guard blocks > 0 else { return }
    try makeCurrent()
    // Each argument's bytes in a slot of its own (16-byte aligned), alive until cuLaunchKernel,
    // which copies them, returns.
    let values = arguments.map(\.parameterBytes)
    let slot = 16
    let offsets = values.reduce(into: [0]) { offsets, bytes in
      offsets.append(offsets.last! + (bytes.count + slot - 1) / slot * slot)
    }
    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(slot, offsets.last!), alignment: slot)
    defer { storage.deallocate() }
    var parameters: [UnsafeMutableRawPointer?] = values.indices.map { index in
      let address = storage + offsets[index]
      values[index].withUnsafeBytes { bytes in
        if let base = bytes.baseAddress { address.copyMemory(from: base, byteCount: bytes.count) }
      }
      return address
    }
    let status = parameters.withUnsafeMutableBufferPointer {
      driver.api.cuLaunchKernel(
        kernel.handle, UInt32(blocks), 1, 1, UInt32(threadsPerBlock), 1, 1, 0, stream, $0.baseAddress, nil)
    }
    try driver.call(status, "cuLaunchKernel")
  }

  // MARK: - BLAS

  package var blas: (any DeviceBLAS)? {
    cublas.withLock { (cached) -> CUDABLAS? in
      if let cached { return cached }
      let made = try? CUDABLAS(driver: driver, context: context, stream: stream)
      cached = .some(made)
      return made
    }
  }
}
