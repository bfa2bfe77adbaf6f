#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Python's float formatting (`f"{x:.4f}"`, `f"{x:.4e}"`), which PyTorch's printer uses.
///
/// Finite values go through C's `printf`, which, like Python, prints the exactly rounded
/// decimal expansion (`"%.0f"` of 2.5 is `2`, of 1e20 is `100000000000000000000`). Non-finite
/// values print as Python prints them: `nan` (never `-nan`), `inf`, `-inf`.
///
/// ```swift
/// FloatFormatting.fixed(1.33333, precision: 4)      // "1.3333"
/// FloatFormatting.scientific(51.2, precision: 4)    // "5.1200e+01"
/// ```
enum FloatFormatting {
  /// `value` with `precision` digits after the point (Python's `"{:.Nf}"`).
  static func fixed(_ value: Double, precision: Int) -> String {
    nonFinite(value) ?? printf("%.\(precision)f", value)
  }

  /// `value` in scientific notation with `precision` digits after the point and an exponent of
  /// at least two digits (Python's `"{:.Ne}"`).
  static func scientific(_ value: Double, precision: Int) -> String {
    nonFinite(value) ?? printf("%.\(precision)e", value)
  }

  /// Python's spelling of nan and the infinities, or `nil` for a finite value.
  private static func nonFinite(_ value: Double) -> String? {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return nil
  }

  /// C's `snprintf(format, value)` for one `Double`.
  private static func printf(_ format: String, _ value: Double) -> String {
    let length = withVaList([value]) { vsnprintf(nil, 0, format, $0) }
    precondition(length >= 0, "vsnprintf failed for format \(format)")
    var buffer = [CChar](repeating: 0, count: Int(length) + 1)
    _ = buffer.withUnsafeMutableBufferPointer { out in
      withVaList([value]) { vsnprintf(out.baseAddress, out.count, format, $0) }
    }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
