import CKindlingVector
import RealModule

// The reductions' accumulators, written once over the element types. Outputs are fresh
// contiguous tensors, so each reducer writes output `o` at `pointer[o]`.

/// A type sums and products accumulate in: `Double` for floating-point inputs (PyTorch's CPU
/// accumulate type), `Int64` for integers and bools (wrapping).
protocol ReductionAccumulator: ComputeScalar {
  static func of<C: ComputeScalar>(_ x: C) -> Self
  func converted<C: ComputeScalar>() -> C
}

extension Double: ReductionAccumulator {
  @inlinable static func of<C: ComputeScalar>(_ x: C) -> Double { x.doubleValue }
  @inlinable func converted<C: ComputeScalar>() -> C { C(double: self) }
}

extension Int64: ReductionAccumulator {
  @inlinable static func of<C: ComputeScalar>(_ x: C) -> Int64 { x.int64Value }
  @inlinable func converted<C: ComputeScalar>() -> C { C(int64: self) }
}

/// Sum, product or mean: a fold with `+` or `*`.
enum ArithmeticReduction: Sendable {
  case sum, product, mean
}

struct ArithmeticReducer<E: TensorScalar, A: ReductionAccumulator>: Reducer {
  let kind: ArithmeticReduction
  let out: UnsafeMutablePointer<E>
  var identity: A { kind == .product ? .one : .zero }
  @inline(__always) func fold(_ acc: inout A, _ x: E, at _: Int) {
    acc = kind == .product ? A.multiply(acc, A.of(x.compute)) : A.add(acc, A.of(x.compute))
  }
  @inline(__always) func merge(_ acc: inout A, _ later: A) {
    acc = kind == .product ? A.multiply(acc, later) : A.add(acc, later)
  }
  /// Float32 and float64 sums in the C loop of 16 double accumulators.
  @inline(__always) func contiguousFold(_ p: UnsafePointer<E>, count: Int) -> A? {
    guard kind != .product, A.self == Double.self else { return nil }
    let raw = UnsafeRawPointer(p)
    if E.self == Float.self {
      return unsafeBitCast(kindling_sum_f32(raw.assumingMemoryBound(to: Float.self), count), to: A.self)
    }
    if E.self == Double.self {
      return unsafeBitCast(kindling_sum_f64(raw.assumingMemoryBound(to: Double.self), count), to: A.self)
    }
    return nil
  }
  var addsRows: Bool { kind != .product && A.self == Double.self && (E.self == Float.self || E.self == Double.self) }
  @inline(__always) func addRow(_ p: UnsafePointer<E>, into acc: UnsafeMutablePointer<A>, count: Int) {
    let raw = UnsafeRawPointer(p), sums = UnsafeMutableRawPointer(acc).assumingMemoryBound(to: Double.self)
    if E.self == Float.self {
      kindling_add_row_f32(raw.assumingMemoryBound(to: Float.self), sums, count)
    } else {
      kindling_add_row_f64(raw.assumingMemoryBound(to: Double.self), sums, count)
    }
  }
  func write(_ acc: A, count: Int, at o: Int) {
    let value = kind == .mean ? A(double: acc.doubleValue / Double(count)) : acc
    out[o] = E(compute: value.converted())
  }
}

/// The largest or smallest element and its first index; NaN wins and the first NaN stays.
struct ExtremumReducer<E: TensorScalar>: Reducer {
  typealias C = E.Compute
  struct Accumulator {
    var value: C, index: Int, seen: Bool
  }
  let largest: Bool
  let values: UnsafeMutablePointer<E>?
  let indices: UnsafeMutablePointer<Int64>?
  var identity: Accumulator { Accumulator(value: .zero, index: 0, seen: false) }

  @inline(__always) private func replaces(_ v: C, _ current: C) -> Bool {
    if current != current { return false }
    return v != v || (largest ? C.isLess(current, v) : C.isLess(v, current))
  }
  @inline(__always) func fold(_ acc: inout Accumulator, _ x: E, at index: Int) {
    let v = x.compute
    if !acc.seen || replaces(v, acc.value) { acc = Accumulator(value: v, index: index, seen: true) }
  }
  @inline(__always) func merge(_ acc: inout Accumulator, _ later: Accumulator) {
    if later.seen && (!acc.seen || replaces(later.value, acc.value)) { acc = later }
  }
  func write(_ acc: Accumulator, count _: Int, at o: Int) {
    values?[o] = E(compute: acc.value)
    indices?[o] = Int64(acc.index)
  }
}

/// Mean and sum of squared deviations by Welford's method, in `Double`: variance or standard
/// deviation with a correction.
struct MomentsReducer<E: TensorScalar>: Reducer where E.Compute: FloatComputeScalar {
  struct Accumulator {
    var count: Double, mean: Double, m2: Double
  }
  let correction: Int
  let takeRoot: Bool
  let out: UnsafeMutablePointer<E>
  var identity: Accumulator { Accumulator(count: 0, mean: 0, m2: 0) }
  @inline(__always) func fold(_ acc: inout Accumulator, _ x: E, at _: Int) {
    let v = x.compute.doubleValue
    acc.count += 1
    let delta = v - acc.mean
    acc.mean += delta / acc.count
    acc.m2 += delta * (v - acc.mean)
  }
  @inline(__always) func merge(_ acc: inout Accumulator, _ later: Accumulator) {
    guard later.count > 0 else { return }
    guard acc.count > 0 else {
      acc = later
      return
    }
    let count = acc.count + later.count
    let delta = later.mean - acc.mean
    acc.mean += delta * later.count / count
    acc.m2 += later.m2 + delta * delta * acc.count * later.count / count
    acc.count = count
  }
  func write(_ acc: Accumulator, count: Int, at o: Int) {
    let variance = acc.m2 / Double(max(0, count - correction))
    out[o] = E(compute: E.Compute(double: takeRoot ? variance.squareRoot() : variance))
  }
}

/// A vector norm: `(Σ|x|^p)^(1/p)`, the largest or smallest `|x|` for ±∞, the count of
/// non-zeros for 0.
struct NormReducer<E: TensorScalar>: Reducer where E.Compute: FloatComputeScalar {
  let p: Double
  let out: UnsafeMutablePointer<E>
  var identity: Double { p == -.infinity ? .infinity : 0 }
  @inline(__always) func fold(_ acc: inout Double, _ x: E, at _: Int) {
    let a = abs(x.compute.doubleValue)
    switch p {
    case 2: acc += a * a
    case 1: acc += a
    case 0: acc += a != 0 ? 1 : 0
    case .infinity: acc = a.isNaN || acc.isNaN ? .nan : Swift.max(acc, a)
    case -.infinity: acc = a.isNaN || acc.isNaN ? .nan : Swift.min(acc, a)
    default: acc += Double.pow(a, p)
    }
  }
  @inline(__always) func merge(_ acc: inout Double, _ later: Double) {
    switch p {
    case .infinity: acc = later.isNaN || acc.isNaN ? .nan : Swift.max(acc, later)
    case -.infinity: acc = later.isNaN || acc.isNaN ? .nan : Swift.min(acc, later)
    default: acc += later
    }
  }
  func write(_ acc: Double, count _: Int, at o: Int) {
    let value: Double
    switch p {
    case 2: value = acc.squareRoot()
    case 1, 0, .infinity, -.infinity: value = acc
    default: value = Double.pow(acc, 1 / p)
    }
    out[o] = E(compute: E.Compute(double: value))
  }
}

/// `log Σ exp(x)`, online: the running maximum and the sum of `exp(x - max)`. As PyTorch, an
/// infinite maximum is the result and NaN propagates.
struct LogSumExpReducer<E: TensorScalar>: Reducer where E.Compute: FloatComputeScalar {
  struct Accumulator {
    var max: Double, sum: Double
  }
  let out: UnsafeMutablePointer<E>
  var identity: Accumulator { Accumulator(max: -.infinity, sum: 0) }
  @inline(__always) func fold(_ acc: inout Accumulator, _ x: E, at _: Int) {
    merge(&acc, Accumulator(max: x.compute.doubleValue, sum: 1))
  }
  @inline(__always) func merge(_ acc: inout Accumulator, _ later: Accumulator) {
    if acc.max.isNaN || later.max == -.infinity { return }
    if later.max.isNaN {
      acc.max = .nan
    } else if later.max > acc.max {
      acc.sum = acc.sum * Double.exp(acc.max - later.max) + later.sum
      acc.max = later.max
    } else {
      acc.sum += later.sum * Double.exp(later.max - acc.max)
    }
  }
  func write(_ acc: Accumulator, count _: Int, at o: Int) {
    let value = acc.max.isNaN || acc.max.isInfinite ? acc.max : acc.max + Double.log(acc.sum)
    out[o] = E(compute: E.Compute(double: value))
  }
}

/// Whether all (or any) elements are non-zero; NaN counts as non-zero.
struct TruthReducer<E: TensorScalar>: Reducer {
  let all: Bool
  let out: UnsafeMutablePointer<Bool>
  var identity: Bool { all }
  @inline(__always) func fold(_ acc: inout Bool, _ x: E, at _: Int) {
    let nonzero = x.compute != .zero
    acc = all ? acc && nonzero : acc || nonzero
  }
  @inline(__always) func merge(_ acc: inout Bool, _ later: Bool) { acc = all ? acc && later : acc || later }
  func write(_ acc: Bool, count _: Int, at o: Int) { out[o] = acc }
}

/// The number of non-zero elements, as int64.
struct CountNonzeroReducer<E: TensorScalar>: Reducer {
  let out: UnsafeMutablePointer<Int64>
  var identity: Int64 { 0 }
  @inline(__always) func fold(_ acc: inout Int64, _ x: E, at _: Int) { acc += x.compute != .zero ? 1 : 0 }
  @inline(__always) func merge(_ acc: inout Int64, _ later: Int64) { acc += later }
  func write(_ acc: Int64, count _: Int, at o: Int) { out[o] = acc }
}
