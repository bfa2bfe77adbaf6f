/// Converting a module's tensors to another dtype or device (PyTorch's `module.to(...)`).
extension Module {
  /// Converts every floating-point parameter and buffer to `dtype` (integer buffers such as
  /// counters keep theirs, as in PyTorch); parameters stay trainable leaves.
  ///
  /// ```swift
  /// let model = Linear(3, 2).to(.float64)
  /// model.weight.dtype   // float64
  /// ```
  @discardableResult
  public func to(_ dtype: DType) -> Self {
    precondition(dtype.isFloatingPoint, "Module.to only accepts floating point dtypes, but got desired dtype=\(dtype)")
    convertTensors { $0.dtype.isFloatingPoint && $0.dtype != dtype ? $0.to(dtype) : nil }
    return self
  }

  /// Moves every parameter and buffer to `device`.
  ///
  /// - Throws: `DeviceError` when the device is not available (no GPU, no backend loaded).
  @discardableResult
  public func to(_ device: Device) throws(DeviceError) -> Self {
    var failure: DeviceError?
    convertTensors { tensor in
      guard failure == nil, tensor.device != device else { return nil }
      do throws(DeviceError) { return try tensor.to(device) } catch { failure = error; return nil }
    }
    if let failure { throw failure }
    return self
  }

  /// Replaces each parameter and buffer for which `convert` returns a new tensor.
  private func convertTensors(_ convert: (Tensor) -> Tensor?) {
    noGrad {
      for module in modules() {
        for (_, slot) in module.reflectedMembers().tensors {
          guard let tensor = slot.tensor, let converted = convert(tensor) else { continue }
          slot.replace(with: converted)
        }
      }
    }
  }
}
