import CKindlingBLAS

/// The BLAS library KindlingTensor's CPU kernels call (OpenBLAS, from Debian's
/// `libopenblas-dev`), and its thread pool.
///
/// ```swift
/// print(BLAS.configuration)   // OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64
/// BLAS.threadCount = 1        // single-threaded GEMMs, e.g. for reproducible timings
/// ```
public enum BLAS {
  /// OpenBLAS's build description: version, target and options.
  public static var configuration: String { String(cString: openblas_get_config()) }

  /// The CPU kernel family OpenBLAS chose at run time (for example `Haswell`, `Zen`).
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// The version number, read from ``configuration`` (`0.3.21`), or `nil` if it has none.
  public static var version: String? {
    let words = configuration.split(separator: " ")
    guard let index = words.firstIndex(of: "OpenBLAS"), index + 1 < words.count else { return nil }
    return String(words[index + 1])
  }

  /// The number of threads OpenBLAS uses for one call (`OPENBLAS_NUM_THREADS` sets the
  /// default; `torch.set_num_threads`' counterpart for BLAS work).
  ///
  /// - Precondition: set to 1 or more.
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set {
      precondition(newValue >= 1, "BLAS.threadCount must be at least 1, but got \(newValue)")
      openblas_set_num_threads(Int32(newValue))
    }
  }

  /// The number of processors OpenBLAS sees.
  public static var processorCount: Int { Int(openblas_get_num_procs()) }
}
