import RealModule

/// Float and Double: the element types that PyTorch's CPU random kernels compute in natively.
///
/// `Float` draws 32 random bits per uniform and keeps 24 of them; `Double` draws 64 and keeps
/// 53, as `at::uniform_real_distribution` does. ``boxMuller16(_:mean:std:)`` is the type's
/// block of PyTorch's vectorized `normal_` (AVX2 code for `Float`, libm for `Double`).
///
/// ```swift
/// func noise<T: RandomFloatingPoint>(_ count: Int, as: T.Type) -> [T] {
///   var out = [T](repeating: 0, count: count)
///   out.withUnsafeMutableBufferPointer { Generator.default.fillNormal($0, mean: 0, std: 1) }
///   return out
/// }
/// ```
public protocol RandomFloatingPoint: BinaryFloatingPoint, Sendable {
  /// Turns 16 uniforms in `[0, 1)` at `block` into 16 normal samples in place: pairs
  /// `(j, j + 8)` go through Box-Muller exactly as PyTorch's `NormalFill16` for this type.
  ///
  /// ```swift
  /// var block = [Float](repeating: 0.5, count: 16)
  /// block.withUnsafeMutableBufferPointer { Float.boxMuller16($0.baseAddress!, mean: 0, std: 1) }
  /// ```
  static func boxMuller16(_ block: UnsafeMutablePointer<Self>, mean: Self, std: Self)
}

extension Generator.State {
  /// `at::uniform_real_distribution<T>(0, 1)`: the low `digits` bits of one draw, scaled.
  @inline(__always)
  mutating func unitUniform<T: RandomFloatingPoint>(_: T.Type) -> T {
    let digits = T.significandBitCount + 1
    let bits = digits > 32 ? random64() : UInt64(random32())
    let scale = T(sign: .plus, exponent: T.Exponent(-digits), significand: 1)
    return T(bits & ((1 << digits) - 1)) * scale
  }

  /// `at::normal_distribution<double>`: Box-Muller that returns the cosine sample and caches
  /// the sine one for the next call. `sample * std + mean` is one fused multiply-add, as the
  /// compiler contracted it in PyTorch's (FMA-enabled) kernel.
  mutating func normalDouble(mean: Double, std: Double) -> Double {
    if let cached = nextDoubleNormal {
      nextDoubleNormal = nil
      return mean.addingProduct(cached, std)
    }
    let u1 = unitUniform(Double.self)
    let u2 = unitUniform(Double.self)
    let radius = (-2 * Double.log(onePlus: -u2)).squareRoot()
    let theta = 2 * Double.pi * u1
    nextDoubleNormal = radius * Double.sin(theta)
    return mean.addingProduct(radius * Double.cos(theta), std)
  }

  /// `uniform_int_from_to_distribution`: one value in `[base, base + range)`, from 64 random
  /// bits once the range reaches 2^28 (PyTorch's open-source builds accept at most about 5% of
  /// modulo skew) and from 32 below that.
  @inline(__always)
  mutating func integer(range: UInt64, base: Int64) -> Int64 {
    let bits = range >= 1 << 28 ? random64() : UInt64(random32())
    return Int64(bitPattern: bits % range &+ UInt64(bitPattern: base))
  }
}

extension Generator {
  /// Fills `out` with uniform samples in `[from, to)`, like `tensor.uniform_(from, to)` and
  /// `torch.rand` (which is `uniform_(0, 1)`).
  ///
  /// ```swift
  /// manualSeed(0)
  /// var out = [Float](repeating: 0, count: 3)
  /// out.withUnsafeMutableBufferPointer { Generator.default.fillUniform($0, from: 0, to: 1) }
  /// // [0.4963, 0.7682, 0.0885], as torch.rand(3)
  /// ```
  public func fillUniform<T: RandomFloatingPoint>(
    _ out: UnsafeMutableBufferPointer<T>, from: Double = 0, to: Double = 1
  ) {
    precondition(from <= to, "uniform_ expects to return a [from, to) range, but found from=\(from) > to=\(to)")
    let low = T(from), high = T(to), width = high - low
    withState { state in
      for i in out.indices {
        // `x * (to - from) + from`, contracted to one fused multiply-add in PyTorch's kernel.
        let value = low.addingProduct(state.unitUniform(T.self), width)
        out[i] = value == high ? low : value
      }
    }
  }

  /// Fills `out` with normal samples, like `tensor.normal_(mean, std)` and `torch.randn`.
  ///
  /// With 16 or more elements in contiguous memory PyTorch first fills uniforms, then runs
  /// Box-Muller on blocks of 16 and, when the count is not a multiple of 16, draws 16 fresh
  /// uniforms for the last 16 elements and redoes them. Smaller fills, or fills of a
  /// non-contiguous tensor (pass `contiguous: false` and the elements in iteration order),
  /// use the scalar `at::normal_distribution<double>` with its cached second sample.
  ///
  /// ```swift
  /// manualSeed(0)
  /// var out = [Double](repeating: 0, count: 20)
  /// out.withUnsafeMutableBufferPointer { Generator.default.fillNormal($0, mean: 0, std: 1) }
  /// ```
  public func fillNormal<T: RandomFloatingPoint>(
    _ out: UnsafeMutableBufferPointer<T>, mean: Double = 0, std: Double = 1, contiguous: Bool = true
  ) {
    precondition(std >= 0, "normal expects std >= 0.0, but found std \(std)")
    withState { state in
      guard out.count >= 16, contiguous, let base = out.baseAddress else {
        for i in out.indices { out[i] = T(state.normalDouble(mean: mean, std: std)) }
        return
      }
      let mean = T(mean), std = T(std)
      for i in out.indices { out[i] = state.unitUniform(T.self) }
      for start in stride(from: 0, to: out.count - 15, by: 16) {
        T.boxMuller16(base + start, mean: mean, std: std)
      }
      if out.count % 16 != 0 {
        let tail = base + (out.count - 16)
        for i in 0..<16 { tail[i] = state.unitUniform(T.self) }
        T.boxMuller16(tail, mean: mean, std: std)
      }
    }
  }

  /// Fills `out` with integers drawn uniformly from `[low, high)`, like
  /// `torch.randint(low, high, size, dtype=...)` for an integer dtype.
  ///
  /// ```swift
  /// var out = [Int64](repeating: 0, count: 5)
  /// out.withUnsafeMutableBufferPointer { Generator(seed: 0).fillRandint($0, low: 0, high: 10) }
  /// ```
  public func fillRandint<T: FixedWidthInteger>(_ out: UnsafeMutableBufferPointer<T>, low: Int64, high: Int64) {
    precondition(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
    precondition(T(exactly: low) != nil, "random_: from is out of bounds for \(T.self)")
    precondition(T(exactly: high - 1) != nil, "random_: to - 1 is out of bounds for \(T.self)")
    fillIntegers(count: out.count, low: low, high: high) { out[$0] = T(truncatingIfNeeded: $1) }
  }

  /// Fills `out` with whole numbers drawn uniformly from `[low, high)`, like
  /// `torch.randint(low, high, size, dtype=torch.float32)`.
  ///
  /// ```swift
  /// var out = [Float](repeating: 0, count: 5)
  /// out.withUnsafeMutableBufferPointer { Generator(seed: 0).fillRandint($0, low: -5, high: 5) }
  /// ```
  ///
  /// As in PyTorch, bounds that the type cannot hold exactly first move inwards to the nearest
  /// values that stay inside `[low, high)` once rounded.
  public func fillRandint<T: BinaryFloatingPoint>(_ out: UnsafeMutableBufferPointer<T>, low: Int64, high: Int64) {
    precondition(low < high, "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
    let (from, to) = (Self.representableFrom(low, T.self), Self.representableTo(high, T.self))
    precondition(
      from < to,
      "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=\(from) >= to=\(to)")
    fillIntegers(count: out.count, low: from, high: to) { out[$0] = T($1) }
  }

  /// `update_from`: moves `from` right when `from + 1` rounds below it in `T`.
  private static func representableFrom<T: BinaryFloatingPoint>(_ from: Int64, _: T.Type) -> Int64 {
    let rounded = truncatedInt64(T(from + 1))
    guard rounded < from else { return from }
    return rounded + (1 << (floorLog2((from + 1).magnitude) - T.significandBitCount))
  }

  /// `update_to`: moves `to` left when `to - 1` rounds to `to` or above in `T`.
  private static func representableTo<T: BinaryFloatingPoint>(_ to: Int64, _: T.Type) -> Int64 {
    let rounded = truncatedInt64(T(to - 1))
    guard rounded >= to else { return to }
    return rounded - (1 << (floorLog2((to - 1).magnitude) - T.significandBitCount))
  }

  /// C's float-to-int64 conversion on x86-64, where out-of-range values become `Int64.min`.
  private static func truncatedInt64<T: BinaryFloatingPoint>(_ value: T) -> Int64 {
    Int64(exactly: value.rounded(.towardZero)) ?? .min
  }

  private static func floorLog2(_ value: UInt64) -> Int {
    value == 0 ? 0 : UInt64.bitWidth - 1 - value.leadingZeroBitCount
  }

  private func fillIntegers(count: Int, low: Int64, high: Int64, store: (Int, Int64) -> Void) {
    let range = UInt64(bitPattern: high &- low)
    withState { state in
      for i in 0..<count { store(i, state.integer(range: range, base: low)) }
    }
  }

  /// A random permutation of `0..<n`, like `torch.randperm(n)` on the CPU.
  ///
  /// Below `UInt32.max / 20` elements PyTorch swaps each position with a later one chosen by
  /// a 32-bit draw; from there on it runs the inside-out Fisher-Yates shuffle on 64-bit draws.
  ///
  /// ```swift
  /// manualSeed(0)
  /// Generator.default.randperm(10)  // [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
  /// ```
  public func randperm(_ n: Int) -> [Int64] {
    precondition(n >= 0, "randperm expects n to be non-negative, got \(n)")
    let count = Int64(n)
    var result = [Int64](repeating: 0, count: n)
    withState { state in
      result.withUnsafeMutableBufferPointer { r in
        if count < Int64(UInt32.max / 20) {
          for i in 0..<n { r[i] = Int64(i) }
          for i in 0..<max(n - 1, 0) {
            let z = Int(Int64(state.random32()) % (count - Int64(i)))
            r.swapAt(i, i + z)
          }
        } else {
          for i in 0..<n {
            let z = Int(state.random64() % UInt64(i + 1))
            r[i] = r[z]
            r[z] = Int64(i)
          }
        }
      }
    }
    return result
  }

  /// Fills `out` with 1 (probability `p`) or 0, like `tensor.bernoulli_(p)` with a scalar `p`.
  ///
  /// This is PyTorch's portable kernel (one 53-bit uniform per element, compared with `p`).
  /// PyTorch builds with MKL use MKL's own stream instead on Intel processors.
  ///
  /// ```swift
  /// var mask = [Float](repeating: 0, count: 8)
  /// mask.withUnsafeMutableBufferPointer { Generator(seed: 0).fillBernoulli($0, p: 0.3) }
  /// ```
  public func fillBernoulli<T: Numeric>(_ out: UnsafeMutableBufferPointer<T>, p: Double) {
    precondition(p >= 0 && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=\(p)")
    withState { state in
      for i in out.indices { out[i] = state.unitUniform(Double.self) < p ? 1 : 0 }
    }
  }

  /// Fills `out[i]` with 1 (probability `probabilities[i]`) or 0, like `torch.bernoulli(p)`
  /// and `tensor.bernoulli_(p_tensor)`: `Double` probabilities use 53-bit uniforms, `Float`
  /// ones 24-bit uniforms compared in `Float`.
  ///
  /// ```swift
  /// let p: [Float] = [0.1, 0.5, 0.9]
  /// var out = [Float](repeating: 0, count: 3)
  /// out.withUnsafeMutableBufferPointer { out in
  ///   p.withUnsafeBufferPointer { Generator(seed: 0).fillBernoulli(out, probabilities: $0) }
  /// }
  /// ```
  public func fillBernoulli<T: Numeric, P: RandomFloatingPoint>(
    _ out: UnsafeMutableBufferPointer<T>, probabilities: UnsafeBufferPointer<P>
  ) {
    precondition(out.count == probabilities.count, "bernoulli expects as many probabilities as outputs")
    precondition(
      probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "bernoulli expects all probabilities to be in [0, 1]")
    withState { state in
      for i in out.indices { out[i] = state.unitUniform(P.self) < probabilities[i] ? 1 : 0 }
    }
  }
}
