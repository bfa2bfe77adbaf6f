import CKindlingCUDA

extension CUDADriver {
  /// Throws ``GPUError/call(runtime:function:code:message:)`` with the driver's own text unless
  /// `status` is `CUDA_SUCCESS`.
  func call(_ status: kd_cu_result, _ function: String) throws(GPUError) {
    do throws(CUDAError) {
      try check(status, function)
    } catch {
      throw GPUError(error)
    }
  }

  /// `CUDA_ERROR_OUT_OF_MEMORY`.
  static let outOfMemoryCode: kd_cu_result = 2
}

extension GPUError {
  /// The ``GPUError`` of a ``CUDAError``: a missing driver or device is ``unavailable(_:)``
  /// (with the same words), a failed call is ``call(runtime:function:code:message:)``.
  init(_ error: CUDAError) {
    switch error {
    case .driverCall(let function, let code, let message):
      self = .call(runtime: "CUDA", function: function, code: code, message: message)
    case .driverNotFound, .noDevice, .invalidDevice:
      self = .unavailable(error.description)
    }
  }
}
