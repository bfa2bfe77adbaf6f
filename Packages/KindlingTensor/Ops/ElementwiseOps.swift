import KindlingStorage

// The op families every elementwise op belongs to. An op is a small value with one generic
// `callAsFunction`; the family's driver promotes, broadcasts, allocates and runs the kernel
// once per dtype. Adding an elementwise op is writing its struct and a public method.

/// An op on two values of one compute type, giving that type (add, mul, maximum, …).
protocol SameTypeBinaryOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> C
  /// The op's float32 C loop (see ``VectorBinaryKernel``), for the hottest ops.
  var vectorKernel: VectorBinaryKernel? { get }
}

/// An op on two floating-point values (atan2, pow on floats, true division, …).
protocol FloatBinaryOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C
  /// The op's float32 C loop (see ``VectorBinaryKernel``), for the hottest ops.
  var vectorKernel: VectorBinaryKernel? { get }
}

/// A comparison: two values of one compute type to a `Bool`.
protocol ComparisonOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: ComputeScalar>(_ a: C, _ b: C) -> Bool
}

/// An op on one value of any compute type, giving that type (neg, abs, relu, …).
protocol SameTypeUnaryOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: ComputeScalar>(_ x: C) -> C
  /// The op's float32 C loop (see ``VectorUnaryKernel``), for the hottest ops.
  var vectorKernel: VectorUnaryKernel? { get }
}

/// An op on one floating-point value (exp, sin, sigmoid, …).
protocol FloatUnaryOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C
  /// The op's float32 C loop (see ``VectorUnaryKernel``), for the hottest ops.
  var vectorKernel: VectorUnaryKernel? { get }
}

extension SameTypeBinaryOp {
  var vectorKernel: VectorBinaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}
extension FloatBinaryOp {
  var vectorKernel: VectorBinaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}
extension SameTypeUnaryOp {
  var vectorKernel: VectorUnaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}
extension FloatUnaryOp {
  var vectorKernel: VectorUnaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}
extension ComparisonOp { var deviceFunction: ElementwiseFunction { .named(Self.self) } }
extension PredicateOp { var deviceFunction: ElementwiseFunction { .named(Self.self) } }

/// A test of one value (isnan, signbit, …).
protocol PredicateOp {
  /// The op as a device backend looks it up (by default its type's name, no parameters).
  var deviceFunction: ElementwiseFunction { get }
  func callAsFunction<C: ComputeScalar>(_ x: C) -> Bool
}

// MARK: - Element functions of each family, at one element type

struct SameTypeBinary<T: TensorScalar, Op: SameTypeBinaryOp>: BinaryFunction {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  var vectorKernel: VectorBinaryKernel? { T.self == Float.self ? op.vectorKernel : nil }
  @inline(__always) func callAsFunction(_ a: T.Compute, _ b: T.Compute) -> T.Compute { op(a, b) }
  typealias A = T
  typealias B = T
  typealias Output = T
}

struct FloatBinary<T: TensorScalar, Op: FloatBinaryOp>: BinaryFunction where T.Compute: FloatComputeScalar {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  var vectorKernel: VectorBinaryKernel? { T.self == Float.self ? op.vectorKernel : nil }
  @inline(__always) func callAsFunction(_ a: T.Compute, _ b: T.Compute) -> T.Compute { op(a, b) }
  typealias A = T
  typealias B = T
  typealias Output = T
}

struct Comparison<T: TensorScalar, Op: ComparisonOp>: BinaryFunction {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  @inline(__always) func callAsFunction(_ a: T.Compute, _ b: T.Compute) -> Bool { op(a, b) }
  typealias A = T
  typealias B = T
  typealias Output = Bool
}

struct SameTypeUnary<T: TensorScalar, Op: SameTypeUnaryOp>: UnaryFunction {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  var vectorKernel: VectorUnaryKernel? { T.self == Float.self ? op.vectorKernel : nil }
  @inline(__always) func callAsFunction(_ x: T.Compute) -> T.Compute { op(x) }
  typealias Input = T
  typealias Output = T
}

struct FloatUnary<T: TensorScalar, Op: FloatUnaryOp>: UnaryFunction where T.Compute: FloatComputeScalar {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  var vectorKernel: VectorUnaryKernel? { T.self == Float.self ? op.vectorKernel : nil }
  @inline(__always) func callAsFunction(_ x: T.Compute) -> T.Compute { op(x) }
  typealias Input = T
  typealias Output = T
}

struct Predicate<T: TensorScalar, Op: PredicateOp>: UnaryFunction {
  let op: Op
  var deviceFunction: ElementwiseFunction { op.deviceFunction }
  @inline(__always) func callAsFunction(_ x: T.Compute) -> Bool { op(x) }
  typealias Input = T
  typealias Output = Bool
}

// MARK: - Kernel visitors

struct SameTypeBinaryKernel<Op: SameTypeBinaryOp>: DTypeVisitor {
  let op: Op, a: Tensor, b: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) { Elementwise.zip(a, b, into: out, SameTypeBinary<T, Op>(op: op)) }
}

struct FloatBinaryKernel<Op: FloatBinaryOp>: FloatVisitor {
  let op: Op, a: Tensor, b: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Elementwise.zip(a, b, into: out, FloatBinary<T, Op>(op: op))
  }
}

struct ComparisonKernel<Op: ComparisonOp>: DTypeVisitor {
  let op: Op, a: Tensor, b: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) { Elementwise.zip(a, b, into: out, Comparison<T, Op>(op: op)) }
}

struct SameTypeUnaryKernel<Op: SameTypeUnaryOp>: DTypeVisitor {
  let op: Op, x: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) { Elementwise.map(x, into: out, SameTypeUnary<T, Op>(op: op)) }
}

struct FloatUnaryKernel<Op: FloatUnaryOp>: FloatVisitor {
  let op: Op, x: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Elementwise.map(x, into: out, FloatUnary<T, Op>(op: op))
  }
}

struct PredicateKernel<Op: PredicateOp>: DTypeVisitor {
  let op: Op, x: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) { Elementwise.map(x, into: out, Predicate<T, Op>(op: op)) }
}

// MARK: - Drivers

/// How a binary op picks the dtype it computes in and the dtype it returns.
enum BinaryTyping {
  /// Compute and return the promoted dtype (add, mul, maximum).
  case promoted
  /// Compute in the promoted dtype, or float32 when that is not floating point (true division,
  /// atan2); return the same.
  case promotedToFloat
  /// Compute in the promoted dtype, return bool (comparisons).
  case comparison
}

extension Tensor {
  /// Promotes, broadcasts and allocates for a binary op, then runs `kernel(a, b, out)` with
  /// both inputs converted to the compute dtype. With `into`, writes the result there (the
  /// in-place form), which must have the broadcast shape and be able to hold the result dtype.
  static func binary(
    _ a: Tensor, _ b: Tensor, op: String, typing: BinaryTyping, into destination: Tensor? = nil,
    kernel: (_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Void
  ) -> Tensor {
    if a.storage.device != b.storage.device {
      return binaryAcrossDevices(a, b, op: op, typing: typing, into: destination, kernel: kernel)
    }
    // The common case, two tensors of one dtype and shape, skips the general rules.
    if destination == nil, a.dtype == b.dtype, !a.isWrappedNumber, !b.isWrappedNumber,
      typing != .promotedToFloat || a.dtype.isFloatingPoint, a.isContiguous || b.isContiguous,
      Shape.equal(a.shape, b.shape)
    {
      // The output borrows a dense operand's shape and strides straight from it: a local copy of
      // the shape, which the general path below compares again and again, costs three more retains.
      let outType: DType = typing == .comparison ? .bool : a.dtype
      let out =
        a.isContiguous
        ? Tensor(uninitializedShape: a.shape, contiguousStrides: a.strides, dtype: outType, device: a.device)
        : Tensor(uninitializedShape: b.shape, contiguousStrides: b.strides, dtype: outType, device: a.device)
      kernel(a, b, out)
      return out
    }
    var compute = a.dtype == b.dtype && !a.isWrappedNumber && !b.isWrappedNumber ? a.dtype : resultType([a, b])
    if typing == .promotedToFloat && !compute.isFloatingPoint { compute = .float32 }
    let outType: DType = typing == .comparison ? .bool : compute
    let shape = a.shape == b.shape ? a.shape : broadcastShape([a, b], op: op)
    let out: Tensor
    if let destination {
      destination.storage.version += 1
      precondition(
        destination.shape == shape,
        "\(op): output with shape \(destination.shape) doesn't match the broadcast shape \(shape)")
      precondition(
        DType.canCast(from: outType, to: destination.dtype),
        "\(op): result type \(outType.pytorchTitle) can't be cast to the desired output type \(destination.dtype.pytorchTitle)"
      )
      out = destination
    } else if shape == a.shape && a.isContiguous {
      out = Tensor(uninitializedShape: shape, contiguousStrides: a.strides, dtype: outType, device: a.device)
    } else if shape == b.shape && b.isContiguous {
      out = Tensor(uninitializedShape: shape, contiguousStrides: b.strides, dtype: outType, device: a.device)
    } else {
      out = Tensor(uninitializedShape: shape, dtype: outType, device: a.device)
    }
    // Operands already in the compute dtype and shape (the common case) go to the kernel as
    // they are: `to` and `expand` would return them too, at the cost of two calls each.
    if a.dtype == compute && b.dtype == compute && a.shape == shape && b.shape == shape && out.dtype == outType {
      kernel(a, b, out)
      return out
    }
    let ca = a.to(compute).expand(shape, op: op)
    let cb = b.to(compute).expand(shape, op: op)
    if out.dtype == outType {
      kernel(ca, cb, out)
    } else {
      let tmp = Tensor(uninitializedShape: shape, dtype: outType, device: a.device)
      kernel(ca, cb, tmp)
      out.assign(tmp)
    }
    return out
  }

  /// A binary op whose operands are on two devices: as in PyTorch, a 0-d CPU tensor (a Swift
  /// number, a scalar from `sum()`) joins the other operand's device; anything else stops.
  private static func binaryAcrossDevices(
    _ a: Tensor, _ b: Tensor, op: String, typing: BinaryTyping, into destination: Tensor?,
    kernel: (_ a: Tensor, _ b: Tensor, _ out: Tensor) -> Void
  ) -> Tensor {
    let joined = onOneDevice(destination.map { [$0, a, b] } ?? [a, b], op: op)
    return binary(
      joined[joined.count - 2], joined[joined.count - 1], op: op, typing: typing, into: destination, kernel: kernel)
  }

  /// Runs a unary op into a new tensor of `outType` (or `into`), after converting the input to
  /// `compute`.
  func unary(
    op: String, compute: DType, outType: DType? = nil, into destination: Tensor? = nil,
    kernel: (_ x: Tensor, _ out: Tensor) -> Void
  ) -> Tensor {
    let outType = outType ?? compute
    // The common case, a new output from a contiguous input already in the compute dtype: the
    // output borrows the input's shape and strides directly (local copies cost two retains more).
    if destination == nil, isContiguous, dtype == compute {
      let out = Tensor(uninitializedShape: shape, contiguousStrides: strides, dtype: outType, device: device)
      kernel(self, out)
      return out
    }
    destination?.storage.version += 1
    // A contiguous input lends its stride array to the output (no validation, no new array).
    let out =
      destination
      ?? (isContiguous
        ? Tensor(uninitializedShape: shape, contiguousStrides: strides, dtype: outType, device: device)
        : Tensor(uninitializedShape: shape, dtype: outType, device: device))
    if out.dtype == outType {
      // An input already in the compute dtype (the common case) goes as it is: `to` would
      // return it too, at the cost of a retain and a release.
      if dtype == compute { kernel(self, out) } else { kernel(to(compute), out) }
    } else {
      let tmp = Tensor(uninitializedShape: shape, dtype: outType, device: device)
      kernel(to(compute), tmp)
      out.assign(tmp)
    }
    return out
  }

  /// The dtype a float op on this tensor computes in: its own if floating point, else float32.
  var floatType: DType { dtype.isFloatingPoint ? dtype : .float32 }
}

extension DType {
  /// Whether an op's result of dtype `from` may be written into a tensor of dtype `to`
  /// (PyTorch's `canCast`: no float into integer, no non-bool into bool).
  static func canCast(from: DType, to: DType) -> Bool {
    if from.isFloatingPoint && !to.isFloatingPoint { return false }
    if from != .bool && to == .bool { return false }
    return true
  }
}
