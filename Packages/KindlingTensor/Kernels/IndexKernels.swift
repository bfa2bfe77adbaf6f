import KindlingStorage

// Kernels that move elements by position, shared by gather, index_select, take, scatter and
// index_add. Moving an element needs only its size, so the copying kernels run over unsigned
// integers of the element's width (`BitVisitor`), one specialization per size, not per dtype.

/// Work that copies elements without looking at their values: called with an unsigned integer
/// type as wide as the element.
protocol BitVisitor {
  associatedtype Result
  func visit<T: FixedWidthInteger>(_ type: T.Type) -> Result
}

extension DType {
  /// Calls `visitor` with the unsigned integer type as wide as this dtype's elements.
  func dispatchBits<V: BitVisitor>(_ visitor: V) -> V.Result {
    switch itemSize {
    case 1: visitor.visit(UInt8.self)
    case 2: visitor.visit(UInt16.self)
    case 4: visitor.visit(UInt32.self)
    default: visitor.visit(UInt64.self)
    }
  }
}

extension Tensor {
  /// A view with another layout, recorded nowhere: the building block of kernels.
  func rawView(shape: [Int], strides: [Int], offset: Int? = nil) -> Tensor {
    Tensor(storage: storage, shape: shape, strides: strides, storageOffset: offset ?? storageOffset, dtype: dtype)
  }

  /// This index tensor as int64 (int32 indices are widened); stops naming `op` otherwise.
  func int64Index(op: String, message: String? = nil) -> Tensor {
    precondition(
      dtype == .int64 || dtype == .int32, message ?? "\(op)(): Expected dtype int32/int64 for index")
    return detach().to(.int64)
  }
}

/// `out[p] = source[p + index[p] * dimStride]` for every position `p` of `out`: `source` and
/// `index` are views with `out`'s shape (the source's indexed dimension has stride 0).
struct GatherKernel: BitVisitor {
  let out: Tensor, source: Tensor, index: Tensor
  let dimStride: Int, dimSize: Int
  /// Whether negative indices count from the end (take) or are errors.
  let wrapsNegative: Bool
  let failure: (Int) -> String

  func visit<T: FixedWidthInteger>(_: T.Type) {
    if out.device != .cpu {
      let work = DeviceWork.gather(
        output: out, source: source, index: index, dimStride: dimStride, dimSize: dimSize,
        wrapsNegative: wrapsNegative, failure: failure)
      return DeviceRegistry.run(work, on: out.device)
    }
    let y = out.pointer(as: T.self)
    let x = source.pointer(as: T.self)
    let ix = index.pointer(as: Int64.self)
    StridedLoop(shape: out.shape, strides: [out.strides, index.strides, source.strides]).run { o, n, s in
      for i in 0..<n {
        var k = Int(ix[o[1] + i * s[1]])
        if k < 0 && wrapsNegative { k += dimSize }
        if k < 0 || k >= dimSize { preconditionFailure(failure(Int(ix[o[1] + i * s[1]]))) }
        y[o[0] + i * s[0]] = x[o[2] + i * s[2] + k * dimStride]
      }
    }
  }
}

/// How ``ScatterKernel`` combines a source element with the one already there.
enum ScatterMode {
  case assign
  /// `out += alpha * source`.
  case add(alpha: Double)
}

/// `out[p + index[p] * dimStride] (=, +=) source[p]` for every position `p` of `index`, in
/// row-major order (later duplicates win for assignment). `out` is a view with the index's shape
/// whose indexed dimension has stride 0.
struct ScatterKernel: DTypeVisitor {
  let out: Tensor, source: Tensor, index: Tensor
  let dimStride: Int, dimSize: Int
  let mode: ScatterMode
  let failure: (Int) -> String

  func visit<T: TensorScalar>(_: T.Type) {
    if out.device != .cpu {
      let alpha: Double? =
        switch mode {
        case .assign: nil
        case .add(let alpha): alpha
        }
      let work = DeviceWork.scatter(
        output: out, source: source, index: index, dimStride: dimStride, dimSize: dimSize, addAlpha: alpha,
        failure: failure)
      return DeviceRegistry.run(work, on: out.device)
    }
    let y = out.pointer(as: T.self)
    let x = source.pointer(as: T.self)
    let ix = index.pointer(as: Int64.self)
    let shape = index.shape
    StridedLoop(shape: shape, strides: [out.strides, index.strides, source.strides]).run(parallel: false) { o, n, s in
      for i in 0..<n {
        let k = Int(ix[o[1] + i * s[1]])
        if k < 0 || k >= dimSize { preconditionFailure(failure(k)) }
        let target = o[0] + i * s[0] + k * dimStride
        let value = x[o[2] + i * s[2]]
        switch mode {
        case .assign: y[target] = value
        case .add(let alpha):
          let v = alpha == 1 ? value.compute : T.Compute.multiply(value.compute, T.Compute(double: alpha))
          y[target] = T(compute: T.Compute.add(y[target].compute, v))
        }
      }
    }
  }
}
