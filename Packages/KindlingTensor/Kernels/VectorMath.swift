/// Elementary functions written so that loops over them vectorize: no calls, no branches, only
/// arithmetic, conversions and selects. Used for float32, where glibc's scalar `expf` would
/// make `exp` several times slower than PyTorch's vectorized kernels.
enum VectorMath {
  /// `e^x` for `Float`, within 2 ulp over the whole range, with IEEE behaviour at the edges:
  /// `inf` above 88.72, subnormals and then `0` below -87.3, NaN propagated.
  ///
  /// Cody–Waite reduction `x = n·ln2 + r` with `|r| ≤ ln2/2`, a degree-6 polynomial for
  /// `e^r` (Cephes' coefficients), and `2^n` applied as two exact powers of two so that
  /// subnormal results and results near overflow are right.
  @inline(__always)
  static func exp(_ x: Float) -> Float {
    let clamped = x.isNaN ? 0 : Swift.min(Swift.max(x, -104), 89)
    // n = round(x / ln2) by the 1.5·2^23 trick (floor would be a library call without SSE4.1,
    // which stops the loop from vectorizing); the sum's low bits are n as an integer.
    let shifted = clamped * 1.44269504088896341 + 12_582_912
    let n = shifted - 12_582_912
    var r = clamped - n * 0.693359375
    r = r - n * -2.12194440e-4
    let r2 = r * r
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = p * r2 + r + 1
    let k = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
    let half = k &>> 1
    let scale1 = Float(bitPattern: UInt32(bitPattern: (half &+ 127) &<< 23))
    let scale2 = Float(bitPattern: UInt32(bitPattern: (k &- half &+ 127) &<< 23))
    let result = y * scale1 * scale2
    return x.isNaN ? x : (x > 88.72283935546875 ? .infinity : (x < -103.97208 ? 0 : result))
  }
}
