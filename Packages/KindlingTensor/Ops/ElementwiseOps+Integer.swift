import KindlingStorage

// More elementwise families: ops only integers support (bitwise, shifts, integer pow and
// modulo), and the drivers that pick a float or an integer kernel for one op.
//
// Naming: every op has an out-of-place method (`exp()`) that returns a new tensor and records
// itself for autograd, and the common ones an in-place twin with a trailing underscore
// (`exp_()`, `relu_()`, `clamp_(min:max:)`, `maskedFill_(_:_:)`) that writes into `self`, returns
// `self` (discardable) and records nothing, as PyTorch's `Tensor.exp_()`. In-place ops refuse a
// result dtype the tensor cannot hold ("result type Float can't be cast to the desired output
// type Long").

/// An op on two integers of one type (bitwise and, shifts, integer remainder, …).
protocol IntegerBinaryOp {
  func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C
}

/// An op on one integer (bitwise not, integer pow by a scalar, …).
protocol IntegerUnaryOp {
  func callAsFunction<C: IntegerComputeScalar>(_ x: C) -> C
}

struct IntegerBinaryKernel<Op: IntegerBinaryOp>: IntegerVisitor {
  let op: Op, a: Tensor, b: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: IntegerComputeScalar {
    Elementwise.zip(a, as: T.self, b, as: T.self, into: out, as: T.self) { op($0, $1) }
  }
}

struct IntegerUnaryKernel<Op: IntegerUnaryOp>: IntegerVisitor {
  let op: Op, x: Tensor, out: Tensor
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: IntegerComputeScalar {
    Elementwise.map(x, as: T.self, into: out, as: T.self) { op($0) }
  }
}

/// The larger of two values; NaN wins (PyTorch's `maximum` and clamp).
@inline(__always)
func propagatingMax<C: ComputeScalar>(_ a: C, _ b: C) -> C {
  if a != a { return a }
  if b != b { return b }
  return C.isLess(a, b) ? b : a
}

/// The smaller of two values; NaN wins.
@inline(__always)
func propagatingMin<C: ComputeScalar>(_ a: C, _ b: C) -> C {
  if a != a { return a }
  if b != b { return b }
  return C.isLess(b, a) ? b : a
}


extension Tensor {
  /// Stops with PyTorch's "not implemented for" message unless `allowed`.
  static func checkImplemented(_ allowed: Bool, op: String, kernel: String, dtype: DType) {
    precondition(allowed, "\(op): \"\(kernel)\" not implemented for '\(dtype.pytorchTitle)'")
  }

  /// A float op on this tensor: integer and bool inputs compute in float32 (`exp`, `sin`, …).
  func floatUnary<Op: FloatUnaryOp>(_ op: Op, name: String, into destination: Tensor? = nil) -> Tensor {
    if let destination { checkCast(floatType, into: destination, op: name) }
    return unary(op: name, compute: floatType, into: destination) { x, out in
      out.dtype.dispatchFloat(FloatUnaryKernel(op: op, x: x, out: out), op: name)
    }
  }

  /// A float op that PyTorch implements for floating-point dtypes only (gelu, silu, …).
  func floatOnlyUnary<Op: FloatUnaryOp>(
    _ op: Op, name: String, kernel: String, into destination: Tensor? = nil
  ) -> Tensor {
    Tensor.checkImplemented(dtype.isFloatingPoint, op: name, kernel: kernel, dtype: dtype)
    return floatUnary(op, name: name, into: destination)
  }

  /// An op that keeps the dtype (abs, relu, sign, …).
  func sameTypeUnary<Op: SameTypeUnaryOp>(_ op: Op, name: String, into destination: Tensor? = nil) -> Tensor {
    unary(op: name, compute: dtype, into: destination) { x, out in
      out.dtype.dispatch(SameTypeUnaryKernel(op: op, x: x, out: out))
    }
  }

  /// Stops unless a result of `type` fits `destination` (in-place ops).
  func checkCast(_ type: DType, into destination: Tensor, op: String) {
    destination.checkInPlaceAllowed(op: op)
    precondition(
      DType.canCast(from: type, to: destination.dtype),
      "\(op): result type \(type.pytorchTitle) can't be cast to the desired output type \(destination.dtype.pytorchTitle)")
  }

  /// A binary op with one kernel for floats and one for integers, computing in the promoted
  /// dtype; bool is refused with PyTorch's message naming `kernelName`.
  static func numericBinary<F: FloatBinaryOp, I: IntegerBinaryOp>(
    _ a: Tensor, _ b: Tensor, op: String, kernelName: String, float: F, integer: I, into destination: Tensor? = nil
  ) -> Tensor {
    let compute = resultType([a, b])
    checkImplemented(compute != .bool, op: op, kernel: kernelName, dtype: compute)
    return binary(a, b, op: op, typing: .promoted, into: destination) { a, b, out in
      if out.dtype.isFloatingPoint {
        out.dtype.dispatchFloat(FloatBinaryKernel(op: float, a: a, b: b, out: out), op: op)
      } else {
        out.dtype.dispatchInteger(IntegerBinaryKernel(op: integer, a: a, b: b, out: out), op: op)
      }
    }
  }
}
