import KindlingStorage
import KindlingTensor

/// Joins KindlingTensor's device registry: a C constructor in CKindlingCUDA leaves this function
/// in the registry's hook as the program loads, and the registry calls it the first time a
/// device without a backend is asked for. It installs providers that create the CUDA and
/// OpenCL backends on first use; nothing is loaded or probed until then.
@_cdecl("kindling_gpu_module_loaded")
public func _kindlingGPUModuleLoaded() {
  DeviceRegistry.registerProvider(for: .cuda) { () throws(DeviceError) in try GPURegistration.cudaDevices() }
  DeviceRegistry.registerProvider(for: .opencl) { () throws(DeviceError) in try GPURegistration.openCLDevices() }
}

/// How `.cuda` finds its backend.
package enum GPURegistration {
  /// The CUDA backend of this process, or why there is none (no driver, no device).
  package static func cudaDevices() throws(DeviceError) -> any DeviceBackend {
    if let reason = CUDA.unavailableReason { throw .noBackend(.cuda, reason: reason) }
    return GPUDevices { index throws(GPUError) in try CUDARuntime(device: index) }
  }

  /// The OpenCL backend (the first OpenCL device the ICD loader offers; POCL's CPU device on
  /// machines without a GPU), or why there is none.
  package static func openCLDevices() throws(DeviceError) -> any DeviceBackend {
    do {
      _ = try OpenCLRuntime.make()
    } catch {
      throw .noBackend(.opencl, reason: error.description)
    }
    return GPUDevices { index throws(GPUError) in
      guard index == 0 else {
        throw .unavailable("Kindling uses one OpenCL device, opencl:0; there is no opencl:\(index)")
      }
      return try OpenCLRuntime.make()
    }
  }
}
