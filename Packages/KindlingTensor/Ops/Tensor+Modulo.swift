import KindlingStorage

// remainder (the sign of the divisor, Python's `%`) and fmod (the sign of the dividend, C's
// `fmod`). Integer division by zero is an error ("ZeroDivisionError"); float gives NaN.

struct FloatRemainderOp: FloatBinaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C {
    var mod = a.truncatingRemainder(dividingBy: b)
    if mod != 0 && (b < 0) != (mod < 0) { mod += b }
    return mod
  }
}

struct IntegerRemainderOp: IntegerBinaryOp {
  let op: String
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C {
    precondition(b != 0, "\(op): ZeroDivisionError")
    var mod = a.remainderReportingOverflow(dividingBy: b).partialValue
    if mod != 0 && (b < 0) != (mod < 0) { mod = mod &+ b }
    return mod
  }
}

struct FloatFmodOp: FloatBinaryOp {
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ a: C, _ b: C) -> C {
    a.truncatingRemainder(dividingBy: b)
  }
}

struct IntegerFmodOp: IntegerBinaryOp {
  let op: String
  @inline(__always) func callAsFunction<C: IntegerComputeScalar>(_ a: C, _ b: C) -> C {
    precondition(b != 0, "\(op): ZeroDivisionError")
    return a.remainderReportingOverflow(dividingBy: b).partialValue
  }
}

extension Tensor {
  /// The remainder of `self / other` with the sign of `other`, as Python's `%` (`remainder`);
  /// broadcasts and promotes, bool is refused.
  ///
  /// ```swift
  /// Tensor([-7, 7]).remainder(Tensor([2, -2]))   // tensor([ 1, -1])
  /// ```
  public func remainder(_ other: Tensor) -> Tensor {
    record(modulo(other, python: true, op: "remainder"), "RemainderBackward1", self, other)
  }

  /// The remainder by a number (`remainder`): an integer keeps integer tensors integral.
  public func remainder(_ other: Int) -> Tensor {
    record(modulo(.number(other), python: true, op: "remainder"), "RemainderBackward0", self, ["other": Double(other)])
  }

  /// The remainder by a floating-point number (`remainder`).
  public func remainder(_ other: Double) -> Tensor {
    record(modulo(.number(other), python: true, op: "remainder"), "RemainderBackward0", self, ["other": other])
  }

  /// The remainder of `self / other` with the sign of `self`, as C's `fmod` (`fmod`).
  ///
  /// ```swift
  /// Tensor([-7, 7]).fmod(Tensor([2, -2]))   // tensor([-1,  1])
  /// ```
  public func fmod(_ other: Tensor) -> Tensor {
    record(modulo(other, python: false, op: "fmod"), "FmodBackward1", self, other)
  }

  /// `fmod` by an integer.
  public func fmod(_ other: Int) -> Tensor {
    record(modulo(.number(other), python: false, op: "fmod"), "FmodBackward0", self, ["other": Double(other)])
  }

  /// `fmod` by a floating-point number.
  public func fmod(_ other: Double) -> Tensor {
    record(modulo(.number(other), python: false, op: "fmod"), "FmodBackward0", self, ["other": other])
  }

  func modulo(_ other: Tensor, python: Bool, op: String) -> Tensor {
    let kernel = "\(op)_cpu"
    return python
      ? Tensor.numericBinary(
        self, other, op: op, kernelName: kernel, float: FloatRemainderOp(), integer: IntegerRemainderOp(op: op))
      : Tensor.numericBinary(
        self, other, op: op, kernelName: kernel, float: FloatFmodOp(), integer: IntegerFmodOp(op: op))
  }

  /// `%` is ``remainder(_:)``, as Python's `%` on tensors.
  public static func % (a: Tensor, b: Tensor) -> Tensor { a.remainder(b) }
  @_disfavoredOverload
  public static func % (a: Tensor, b: Int) -> Tensor { a.remainder(b) }
  @_disfavoredOverload
  public static func % (a: Tensor, b: Double) -> Tensor { a.remainder(b) }
}
