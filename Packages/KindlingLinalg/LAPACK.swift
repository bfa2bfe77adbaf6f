import CKindlingLAPACK

/// The LAPACK that KindlingLinalg's decompositions call, through LAPACKE (Debian's
/// `liblapacke-dev`, backed by the LAPACK routines in OpenBLAS).
///
/// ```swift
/// print(LAPACK.version)   // 3.11.0
/// ```
///
/// The `torch.linalg` functions on ``Linalg`` run on this binding.
public enum LAPACK {
  /// The LAPACK version as major, minor and patch (LAPACK's `ilaver`).
  public static var versionComponents: (major: Int, minor: Int, patch: Int) {
    var major: Int32 = 0  // lapack_int (LP64)
    var minor: Int32 = 0  // lapack_int (LP64)
    var patch: Int32 = 0  // lapack_int (LP64)
    LAPACKE_ilaver(&major, &minor, &patch)
    return (Int(major), Int(minor), Int(patch))
  }

  /// The LAPACK version, such as `3.11.0`.
  public static var version: String {
    let v = versionComponents
    return "\(v.major).\(v.minor).\(v.patch)"
  }
}
