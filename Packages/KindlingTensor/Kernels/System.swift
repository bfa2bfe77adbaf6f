#if canImport(Glibc)
  import Glibc
#endif

/// Facts about the machine the kernels run on.
enum System {
  /// Processors available to this process.
  static var activeProcessorCount: Int {
    #if canImport(Glibc)
      Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
      1
    #endif
  }
}
