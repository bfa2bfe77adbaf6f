import RealModule

// The Box-Muller blocks of PyTorch's vectorized `normal_` (`NormalFill16` in
// aten/src/ATen/native/cpu/DistributionTemplates.h).
//
// For `Float`, x86-64 PyTorch runs the AVX2 kernel, whose log, sine and cosine are the cephes
// polynomials of `avx_mathfun.h` evaluated in single precision. The kernel is compiled with
// FMA enabled and floating-point contraction on, so each multiply feeding an add became one
// fused multiply-add there; the scalar code below rounds exactly where that machine code does.

extension Float: RandomFloatingPoint {
  /// PyTorch's AVX2 `NormalFill16<float>`: Box-Muller with cephes `log` and `sincos`.
  ///
  /// ```swift
  /// var block = [Float](repeating: 0.25, count: 16)
  /// block.withUnsafeMutableBufferPointer { Float.boxMuller16($0.baseAddress!, mean: 0, std: 1) }
  /// ```
  public static func boxMuller16(_ block: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
    let twoPi = Float(2 * Double.pi)
    for j in 0..<8 {
      let u1 = 1 - block[j]
      let u2 = block[j + 8]
      let radius = (-2 * CephesFloat.log(u1)).squareRoot()
      let (sine, cosine) = CephesFloat.sinCos(twoPi * u2)
      block[j] = mean.addingProduct(radius * cosine, std)
      block[j + 8] = mean.addingProduct(radius * sine, std)
    }
  }
}

extension Double: RandomFloatingPoint {
  /// PyTorch's scalar `NormalFill16<double>`: Box-Muller with libm `log`, `cos` and `sin`.
  ///
  /// ```swift
  /// var block = [Double](repeating: 0.25, count: 16)
  /// block.withUnsafeMutableBufferPointer { Double.boxMuller16($0.baseAddress!, mean: 0, std: 1) }
  /// ```
  public static func boxMuller16(_ block: UnsafeMutablePointer<Double>, mean: Double, std: Double) {
    for j in 0..<8 {
      let u1 = 1 - block[j]
      let u2 = block[j + 8]
      let radius = (-2 * Double.log(u1)).squareRoot()
      let theta = 2 * Double.pi * u2
      block[j] = mean.addingProduct(radius * Double.cos(theta), std)
      block[j + 8] = mean.addingProduct(radius * Double.sin(theta), std)
    }
  }
}

/// Single-precision cephes `log` and `sincos`, one lane of `log256_ps` and `sincos256_ps`.
enum CephesFloat {
  /// `a * b + c` with one rounding, as the compiler contracted it.
  @inline(__always)
  static func mulAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    c.addingProduct(a, b)
  }

  // Constants are double literals rounded to float, as in the C arrays.
  static let sqrtHalf = Float(0.707106781186547524 as Double)
  static let logP: [Float] = [
    7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
    -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1,
  ].map { (value: Double) in Float(value) }
  static let logQ1 = Float(-2.12194440e-4 as Double)
  static let logQ2 = Float(0.693359375 as Double)
  static let minusDP1 = Float(-0.78515625 as Double)
  static let minusDP2 = Float(-2.4187564849853515625e-4 as Double)
  static let minusDP3 = Float(-3.77489497744594108e-8 as Double)
  static let sinP: [Float] = [-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1].map { (value: Double) in
    Float(value)
  }
  static let cosP: [Float] = [2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002].map {
    (value: Double) in Float(value)
  }
  static let fourOverPi = Float(1.27323954473516 as Double)

  /// Natural logarithm; NaN for `x <= 0`.
  static func log(_ input: Float) -> Float {
    let invalid = input <= 0
    var x = Swift.max(input, Float.leastNormalMagnitude)
    var exponent = Int32(bitPattern: x.bitPattern >> 23)
    x = Float(bitPattern: (x.bitPattern & ~0x7f80_0000) | Float(0.5).bitPattern)
    exponent -= 0x7f
    var e = Float(exponent) + 1
    let small = x < sqrtHalf
    let tmp: Float = small ? x : 0
    x -= 1
    e -= small ? 1 : 0
    x += tmp
    let z = x * x
    var y = logP[0]
    for p in logP.dropFirst() { y = mulAdd(y, x, p) }
    y *= x
    y = mulAdd(y, z, e * logQ1)
    y -= z * 0.5  // exact product, so fused or not is the same
    x += y
    x = mulAdd(e, logQ2, x)
    return invalid ? .nan : x
  }

  /// Sine and cosine of `input`, accurate for `|input| < 8192`.
  static func sinCos(_ input: Float) -> (sin: Float, cos: Float) {
    var signSin = input.bitPattern & 0x8000_0000
    var x = Swift.abs(input)
    var j = Int32(x * fourOverPi)
    j = (j &+ 1) & ~1
    let y = Float(j)
    let swapSignSin = UInt32(bitPattern: j & 4) << 29
    let firstPolynomial = j & 2 == 0
    x = mulAdd(y, minusDP1, x)
    x = mulAdd(y, minusDP2, x)
    x = mulAdd(y, minusDP3, x)
    let signCos = UInt32(bitPattern: ~(j &- 2) & 4) << 29
    signSin ^= swapSignSin
    let z = x * x
    var yc = mulAdd(cosP[0], z, cosP[1])
    yc = mulAdd(yc, z, cosP[2])
    yc *= z
    yc = mulAdd(yc, z, -(z * 0.5))
    yc += 1
    var ys = mulAdd(sinP[0], z, sinP[1])
    ys = mulAdd(ys, z, sinP[2])
    ys *= z
    ys = mulAdd(ys, x, x)
    let sinFromSin: Float = firstPolynomial ? ys : 0
    let sinFromCos: Float = firstPolynomial ? 0 : yc
    let s = sinFromCos + sinFromSin
    let c = (yc - sinFromCos) + (ys - sinFromSin)
    return (Float(bitPattern: s.bitPattern ^ signSin), Float(bitPattern: c.bitPattern ^ signCos))
  }
}
