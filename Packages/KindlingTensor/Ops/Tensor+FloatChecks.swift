import KindlingStorage

// isnan, isinf, isfinite (bool results; integers are always finite) and nanToNum.

/// Which floating-point class a ``FloatClassOp`` tests for.
enum FloatClass: Sendable {
  case nan, infinite, finite
}

struct FloatClassOp: PredicateOp {
  let test: FloatClass
  @inline(__always) func callAsFunction<C: ComputeScalar>(_ x: C) -> Bool {
    switch test {
    case .nan: x != x
    case .infinite: x.doubleValue.isInfinite
    case .finite: x.doubleValue.isFinite
    }
  }
}

struct NanToNumOp: FloatUnaryOp {
  let nan: Double, posinf: Double, neginf: Double
  @inline(__always) func callAsFunction<C: FloatComputeScalar>(_ x: C) -> C {
    x.isNaN ? C(nan) : (x == .infinity ? C(posinf) : (x == -.infinity ? C(neginf) : x))
  }
}

extension Tensor {
  func classify(_ test: FloatClass, op: String) -> Tensor {
    unary(op: op, compute: dtype, outType: .bool) { x, out in
      x.dtype.dispatch(PredicateKernel(op: FloatClassOp(test: test), x: x, out: out))
    }
  }

  /// `true` where an element is NaN (`isnan`).
  ///
  /// ```swift
  /// Tensor([1.0, .nan]).isnan()   // tensor([False,  True])
  /// ```
  public func isnan() -> Tensor { classify(.nan, op: "isnan") }
  /// `true` where an element is `inf` or `-inf` (`isinf`).
  public func isinf() -> Tensor { classify(.infinite, op: "isinf") }
  /// `true` where an element is neither NaN nor infinite (`isfinite`).
  public func isfinite() -> Tensor { classify(.finite, op: "isfinite") }

  /// NaN, `inf` and `-inf` replaced by `nan`, `posinf` and `neginf` (`nan_to_num`); the
  /// infinities default to the dtype's largest and smallest finite values. Integer and bool
  /// tensors are copied.
  ///
  /// ```swift
  /// Tensor([.nan, .infinity]).nanToNum()   // tensor([0.0000e+00, 3.4028e+38])
  /// ```
  public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
    let out: Tensor
    if dtype.isFloatingPoint {
      let largest = dtype.greatestFiniteMagnitude
      let op = NanToNumOp(nan: nan, posinf: posinf ?? largest, neginf: neginf ?? -largest)
      out = floatUnary(op, name: "nan_to_num")
    } else {
      out = clone()
    }
    return record(out, "NanToNumBackward0", self)
  }
}

extension DType {
  /// The largest finite value of a floating-point dtype.
  var greatestFiniteMagnitude: Double {
    switch self {
    case .float16: 65504
    case .bfloat16: Double(Float(BFloat16(bitPattern: 0x7F7F)))
    case .float32: Double(Float.greatestFiniteMagnitude)
    default: Double.greatestFiniteMagnitude
    }
  }
}
