import KindlingStorage

extension Tensor {
  /// The elements in row-major order as a Swift array of `type`, converting from the tensor's
  /// dtype (`tensor.tolist()` flattened).
  ///
  /// ```swift
  /// (Tensor([5]) + Tensor([7])).scalars(as: Int64.self)   // [12]
  /// ```
  public func scalars<T: ComputeScalar>(as _: T.Type) -> [T] {
    let source = contiguous().onCPU(op: "scalars")
    return source.dtype.dispatch(ReadElements<T>(tensor: source))
  }

  /// The elements as `Double`s, in row-major order.
  public var doubles: [Double] { scalars(as: Double.self) }

  /// The single element as a `Double` (`item()`).
  ///
  /// - Precondition: the tensor has exactly one element.
  public func item() -> Double {
    precondition(
      count == 1, "item: a Tensor with \(count) elements cannot be converted to Scalar")
    return scalars(as: Double.self)[0]
  }

  /// The single element converted to `type`.
  public func item<T: ComputeScalar>(as type: T.Type) -> T {
    precondition(count == 1, "item: a Tensor with \(count) elements cannot be converted to Scalar")
    return scalars(as: type)[0]
  }

  /// This tensor, or its copy on the CPU when it lives on a device (reading values back, as
  /// PyTorch's `tolist()` and `item()` do).
  func onCPU(op: String) -> Tensor {
    if device == .cpu { return self }
    do {
      return try GradMode.with(enabled: false) { () throws(DeviceError) in try to(.cpu) }
    } catch {
      preconditionFailure("\(op): \(error)")
    }
  }

  /// This tensor if it is on the CPU; stops with a message naming `op` otherwise.
  func cpuTensor(op: String) -> Tensor {
    precondition(
      device == .cpu,
      "\(op): expected a tensor on the CPU, but it is on \(device); move it with .to(.cpu) first")
    return self
  }

  // MARK: - Copies and conversions

  /// Writes `source` into this tensor, broadcasting it and converting its dtype (`copy_`).
  ///
  /// Under autograd the write is recorded (`CopyBackwards`): `source` gets the gradient of the
  /// elements it wrote (summed over broadcasting), this tensor's old value gets none. Writing
  /// into a view records the write in the view's base too (`CopySlices`), as PyTorch does.
  ///
  /// ```swift
  /// let t = Tensor.zeros([2, 3])
  /// t.assign(Tensor([1.0, 2.0, 3.0]))   // every row becomes [1, 2, 3]
  /// ```
  @discardableResult
  public func copy_(_ source: Tensor) -> Tensor {
    guard GradMode.isEnabled, requiresGrad || source.requiresGrad || (base?.requiresGrad ?? false) else {
      return assign(source)
    }
    return rebasingHistory(
      "copy_", source,
      outOfPlace: { before in
        let out = GradMode.with(enabled: false) { Tensor(uninitializedShape: shape, dtype: dtype, device: device) }
        GradMode.with(enabled: false) { _ = out.assign(source) }
        return record(out, "CopyBackwards", before, source)
      }, inPlace: { assign(source) })
  }

  /// Writes `source` into this tensor, broadcasting it and converting its dtype, without
  /// recording: what every kernel uses to fill its own outputs.
  @discardableResult
  func assign(_ source: Tensor) -> Tensor {
    storage.version += 1
    let source = source.expand(shape, op: "copy_")
    if device != .cpu || source.device != .cpu {
      if source.device == device {
        DeviceRegistry.run(.map(ElementwiseFunction(name: "Cast"), input: source, output: self), on: device)
      } else {
        crossDeviceCopy(from: source)
      }
      return self
    }
    source.dtype.dispatch(CopyFrom(source: source, destination: self))
    return self
  }

  /// Copies between devices through their backend: the source is converted and packed on its
  /// own device, the bytes move, and a strided destination is filled from a packed copy.
  private func crossDeviceCopy(from source: Tensor) {
    let packed = GradMode.with(enabled: false) {
      source.dtype == dtype && source.isContiguous ? source : source.to(dtype).contiguous()
    }
    let target = isContiguous ? self : Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    do {
      guard let backend = try DeviceRegistry.backend(for: device != .cpu ? device : source.device) else { return }
      try backend.copy(
        from: packed.storage.data, offset: packed.storageOffset * dtype.itemSize, on: packed.device,
        to: target.storage.data, offset: target.storageOffset * dtype.itemSize, on: device,
        byteCount: count * dtype.itemSize)
    } catch {
      preconditionFailure("copy_: \(error)")
    }
    if target !== self { assign(target) }
  }

  /// Sets every element to `value` (`fill_`).
  @discardableResult
  public func fill_(_ value: Double) -> Tensor {
    if device != .cpu {
      storage.version += 1
      DeviceRegistry.run(.fill(output: self, value: value), on: device)
      return self
    }
    if isContiguous, dtype == .float32 || dtype == .float64 {
      // The floating types a dense tensor is mostly filled with (`ones`, `zeros`, a backward's
      // seed): stored directly, without a scalar tensor to copy from.
      storage.version += 1
      if dtype == .float32 {
        pointer(as: Float.self).update(repeating: Float(value), count: count)
      } else {
        pointer(as: Double.self).update(repeating: value, count: count)
      }
      return self
    }
    let scalar = Tensor(uninitializedShape: [], dtype: dtype)
    scalar.fill(
      fromDoubles: [value], integers: dtype.isFloatingPoint ? nil : [Int64(exactly: value.rounded(.towardZero)) ?? 0])
    return assign(scalar)
  }

  /// A new tensor with the same values, laid out contiguously (`clone()`). Always copies.
  public func clone() -> Tensor {
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    out.assign(self)
    return record(out, "CloneBackward0", self)
  }

  /// This tensor if it is already contiguous, else a contiguous copy (`contiguous()`).
  public func contiguous() -> Tensor {
    isContiguous ? self : clone()
  }

  /// The same values converted to `dtype`; returns `self` when the dtype already matches
  /// (`to(dtype)`).
  ///
  /// ```swift
  /// Tensor([5.7]).to(.int32)   // tensor([5], dtype=torch.int32)
  /// ```
  public func to(_ dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    let out = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
    out.assign(self)
    return record(out, "ToCopyBackward0", self)
  }

  /// The same values on `device`; returns `self` when already there (`to(device)`).
  ///
  /// - Throws: ``DeviceError`` when the device cannot be used, for example CUDA on a machine
  ///   without an NVIDIA GPU.
  public func to(_ device: Device) throws(DeviceError) -> Tensor {
    if device == self.device { return self }
    let storage: Storage
    do {
      storage = try Storage(count: count, dtype: dtype, allocator: DeviceRegistry.allocator(for: device))
    } catch let error as DeviceError {
      throw error
    } catch {
      throw .backendFailure(device, message: "\(error)")
    }
    // A Swift number stays one (it keeps yielding in type promotion), on any device.
    let out = Tensor(
      storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: dtype, wrapped: isWrappedNumber)
    out.assign(contiguous())
    return record(out, "ToCopyBackward0", self)
  }
}

/// Reads a contiguous CPU tensor's elements as `O`.
private struct ReadElements<O: ComputeScalar>: DTypeVisitor {
  let tensor: Tensor
  func visit<T: TensorScalar>(_: T.Type) -> [O] {
    let p = tensor.pointer(as: T.self)
    return (0..<tensor.count).map { convertScalar(p[$0].compute) }
  }
}

/// Copies with conversion: dispatches on the source dtype, then on the destination's.
private struct CopyFrom: DTypeVisitor {
  let source: Tensor, destination: Tensor
  func visit<I: TensorScalar>(_: I.Type) {
    destination.dtype.dispatch(CopyInto<I>(source: source, destination: destination))
  }
}

private struct CopyInto<I: TensorScalar>: DTypeVisitor {
  let source: Tensor, destination: Tensor
  func visit<O: TensorScalar>(_: O.Type) {
    if I.self == O.self, source.isContiguous, destination.isContiguous {
      // Split like the elementwise kernels, so each core's share of a large tensor ends up in
      // that core's cache, where the next kernel on it will read it.
      let from = UncheckedSendable(value: UnsafeRawPointer(source.pointer(as: I.self)).assumingMemoryBound(to: O.self))
      let to = UncheckedSendable(value: destination.pointer(as: O.self))
      StridedLoop.runContiguous(count: source.count) { start, n in
        (to.value + start).update(from: from.value + start, count: n)
      }
      return
    }
    if I.self == O.self, destination.device == .cpu, Elementwise.isTransposedPair(source, destination),
      Elementwise.copyTransposed(source, into: destination, as: I.self)
    {
      return
    }
    Elementwise.map(source, into: destination, Cast<I, O>())
  }
}

/// PyTorch's cast from one element type to another, as an element function.
private struct Cast<Input: TensorScalar, Output: TensorScalar>: UnaryFunction {
  var deviceFunction: ElementwiseFunction { ElementwiseFunction(name: "Cast") }
  @inline(__always) func callAsFunction(_ x: Input.Compute) -> Output.Compute { convertScalar(x) }
}
