import KindlingStorage

/// An elementwise function as a device backend looks it up: the name of the op's type
/// (`AddOp`, `ExpOp`, `Cast`) and the scalars it carries (`AddOp`'s `alpha`).
///
/// ```swift
/// ElementwiseFunction(name: "AddOp", parameters: [1])
/// ```
public struct ElementwiseFunction: Hashable, Sendable, CustomStringConvertible {
  /// The op's type name, as written in KindlingTensor.
  public let name: String
  /// The op's scalar parameters, in the order its type declares them.
  public let parameters: [Double]

  public init(name: String, parameters: [Double] = []) {
    self.name = name
    self.parameters = parameters
  }

  /// The function of an op type without parameters: its type's name.
  static func named<T>(_: T.Type) -> ElementwiseFunction {
    ElementwiseFunction(name: String(describing: T.self))
  }

  public var description: String { parameters.isEmpty ? name : "\(name)\(parameters)" }
}

/// A 2-D sliding window over contiguous `[batch, channels, height, width]` images, as im2col
/// (`F.unfold`), col2im (`F.fold`) and pooling take it: a `kernelH × kernelW` window moved by the
/// strides, spread by the dilations, starting `padTop`/`padLeft` before the image, giving
/// `outH × outW` positions.
public struct WindowGeometry: Hashable, Sendable {
  public var batch: Int, channels: Int, height: Int, width: Int
  public var kernelH: Int, kernelW: Int, strideH: Int, strideW: Int
  public var padTop: Int, padLeft: Int, dilationH: Int, dilationW: Int
  public var outH: Int, outW: Int

  public init(
    batch: Int, channels: Int, height: Int, width: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int,
    padTop: Int, padLeft: Int, dilationH: Int, dilationW: Int, outH: Int, outW: Int
  ) {
    (self.batch, self.channels, self.height, self.width) = (batch, channels, height, width)
    (self.kernelH, self.kernelW, self.strideH, self.strideW) = (kernelH, kernelW, strideH, strideW)
    (self.padTop, self.padLeft, self.dilationH, self.dilationW) = (padTop, padLeft, dilationH, dilationW)
    (self.outH, self.outW) = (outH, outW)
  }

  /// Rows of the column matrix: `channels · kernelH · kernelW`.
  public var columnRows: Int { channels * kernelH * kernelW }
  /// Columns of the column matrix: `outH · outW`.
  public var columnCount: Int { outH * outW }
}

/// The reductions a device backend runs (``DeviceWork/reduce(_:input:reducedDims:values:indices:)``).
public enum ReductionKind: String, Sendable, CaseIterable {
  case sum, product, mean, max, min
}

/// Work the tensor layer hands to the backend of a device other than the CPU.
///
/// Every tensor in one piece of work is on the backend's device. Elementwise inputs already
/// have the output's shape (broadcast views carry stride 0) and the dtype the function computes
/// in; outputs are written through their own strides (in-place ops pass a view). A backend that
/// cannot run some work throws ``DeviceError/backendFailure(_:message:)`` naming it; the op then
/// stops with that message, and nothing is computed wrongly.
public enum DeviceWork {
  /// `output[i] = f(input[i])`; ``ElementwiseFunction`` `Cast` converts between the two dtypes.
  case map(ElementwiseFunction, input: Tensor, output: Tensor)
  /// `output[i] = f(a[i], b[i])`.
  case zip(ElementwiseFunction, Tensor, Tensor, output: Tensor)
  /// `output[i] = condition[i] ? a[i] : b[i]` (`where`); `condition` is bool, `a` and `b` have
  /// the output's dtype.
  case select(condition: Tensor, Tensor, Tensor, output: Tensor)
  /// `output[p] = source[p + index[p] · dimStride]` for every position `p` of `output`, where
  /// `source` and `index` (int64) are views with the output's shape and the source's indexed
  /// dimension has stride 0. Negative indices count from the end when `wrapsNegative`; an index
  /// outside `0 ..< dimSize` stops with `failure(index)`, and nothing is read out of bounds.
  case gather(
    output: Tensor, source: Tensor, index: Tensor, dimStride: Int, dimSize: Int, wrapsNegative: Bool,
    failure: (Int) -> String)
  /// For every position `p` of `index`, in row-major order: `output[p + index[p] · dimStride] =
  /// source[p]`, or `+= addAlpha · source[p]` (later duplicates win, additions follow that order,
  /// as on the CPU). `output` is a view with the index's shape whose indexed dimension has stride 0.
  case scatter(
    output: Tensor, source: Tensor, index: Tensor, dimStride: Int, dimSize: Int, addAlpha: Double?,
    failure: (Int) -> String)
  /// `columns[(c·kernelH + i)·kernelW + j, n·columnCount + oh·outW + ow] = image[n, c, oh·strideH
  /// - padTop + i·dilationH, ow·strideW - padLeft + j·dilationW]`, 0 in the padding (`F.unfold`
  /// with the samples side by side); both contiguous, columns `[columnRows, batch·columnCount]`.
  case im2col(image: Tensor, columns: Tensor, window: WindowGeometry)
  /// The adjoint of ``im2col(image:columns:window:)``: every image element becomes the sum of
  /// the column entries that read it (`F.fold`); the image is overwritten.
  case col2im(columns: Tensor, image: Tensor, window: WindowGeometry)
  /// Max pooling over the `batch · channels` planes: each window's largest value (NaN wins, the
  /// first maximum on ties) and its index `h · width + w` within the plane, both `[batch,
  /// channels, outH, outW]`, contiguous.
  case maxPool(input: Tensor, values: Tensor, indices: Tensor, window: WindowGeometry)
  /// Max pooling's backward: `gradInput` (overwritten) gets each output's gradient at its index.
  case maxPoolBackward(grad: Tensor, indices: Tensor, gradInput: Tensor, window: WindowGeometry)
  /// Sets every element of `output` to `value` (converted to its dtype as `fill_` does).
  case fill(output: Tensor, value: Double)
  /// Folds the elements of `input` along `reducedDims` (sorted, distinct) into each element of
  /// `values`, a contiguous tensor whose elements follow the kept dimensions in row-major order;
  /// for `max` and `min`, `indices` (int64, same layout) receives the position of the first
  /// extreme along the reduced dimensions, and NaN counts as the extreme.
  case reduce(ReductionKind, input: Tensor, reducedDims: [Int], values: Tensor?, indices: Tensor?)
  /// `output = alpha · a · b + beta · output` for matrices `[m, k]·[k, n]`, or batches of them
  /// `[b, m, k]·[b, k, n]`, of one floating-point dtype, with any strides.
  case matmul(Tensor, Tensor, output: Tensor, alpha: Double, beta: Double)

  /// The op the work belongs to, for messages.
  public var name: String {
    switch self {
    case .map(let f, _, _), .zip(let f, _, _, _): f.name
    case .select: "where"
    case .im2col: "im2col"
    case .col2im: "col2im"
    case .maxPool: "max_pool2d"
    case .maxPoolBackward: "max_pool2d_with_indices_backward"
    case .gather: "gather"
    case .scatter: "scatter"
    case .fill: "fill_"
    case .reduce(let kind, _, _, _, _): kind.rawValue
    case .matmul: "matmul"
    }
  }
}

extension DeviceRegistry {
  /// Runs `work` on `device`'s backend (for modules above the tensor layer, such as KindlingNN's
  /// convolution and pooling); stops with the backend's message if it cannot.
  public static func run(_ work: DeviceWork, on device: Device) {
    do {
      guard let backend = try backend(for: device) else {
        preconditionFailure("\(work.name): internal error: CPU work sent to the device registry")
      }
      try backend.run(work)
    } catch {
      preconditionFailure("\(work.name): \(error)")
    }
  }
}
