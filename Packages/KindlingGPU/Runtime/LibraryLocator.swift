import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Finds and opens a shared library that KindlingGPU loads at run time (NVRTC, cuBLAS, the OpenCL
/// ICD loader), in this order:
///
/// 1. the path in an environment variable (such as `KINDLING_NVRTC`); when it is set, nothing
///    else is tried, so a wrong path is reported rather than silently replaced;
/// 2. the plain sonames (`libnvrtc.so`, `libnvrtc.so.13`, …) through dlopen's own search
///    (`LD_LIBRARY_PATH`, the ld.so cache);
/// 3. where the NVIDIA pip wheels (the ones PyTorch installs) put them:
///    `<site-packages>/nvidia/cu13/lib`, `nvidia/cuda_nvrtc/lib`, `nvidia/cublas/lib`, with
///    site-packages taken from `$VIRTUAL_ENV`, `./.venv`, `./.venv-gpu`,
///    `~/.local/lib/python3*/site-packages`, `/usr/local/lib/python3*/{dist,site}-packages` and
///    `/usr/lib/python3/dist-packages`.
///
/// When nothing opens, the error lists every path tried, with dlopen's reason, and how to install
/// the library.
package struct LibraryLocator: Sendable {
  /// The library in words, such as `NVRTC (CUDA's run-time compiler)`.
  package let displayName: String
  /// The environment variable holding an explicit path.
  package let environmentVariable: String
  /// Names tried through dlopen's search, in order.
  package let sonames: [String]
  /// The file-name prefix of the library inside a wheel directory (`libnvrtc.so` matches
  /// `libnvrtc.so.13` but not `libnvrtc-builtins.so.13.2`).
  package let wheelFilePrefix: String
  /// Directories inside site-packages where pip wheels install the library.
  package let wheelDirectories: [String]
  /// What to do when the library is missing, as a sentence.
  package let installHint: String

  /// Why one candidate did not open.
  package struct Failure: Error, Sendable {
    /// dlopen's message, or the missing entry point.
    package let reason: String
    /// Wraps `reason`.
    package init(_ reason: String) { self.reason = reason }
  }

  /// NVRTC, CUDA's run-time compiler.
  package static let nvrtc = LibraryLocator(
    displayName: "NVRTC (CUDA's run-time compiler)", environmentVariable: "KINDLING_NVRTC",
    sonames: ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"],
    wheelFilePrefix: "libnvrtc.so", wheelDirectories: ["nvidia/cu13/lib", "nvidia/cuda_nvrtc/lib"],
    installHint: "Install it with `pip install nvidia-cuda-nvrtc` (into ./.venv or the active virtual environment; "
      + "`make test` does this in ./.venv-gpu), install the CUDA toolkit, or set KINDLING_NVRTC to the path of "
      + "libnvrtc.so.")

  /// cuBLAS, NVIDIA's BLAS.
  package static let cublas = LibraryLocator(
    displayName: "cuBLAS", environmentVariable: "KINDLING_CUBLAS",
    sonames: ["libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11"],
    wheelFilePrefix: "libcublas.so", wheelDirectories: ["nvidia/cu13/lib", "nvidia/cublas/lib"],
    installHint: "Install it with `pip install nvidia-cublas` (into ./.venv or the active virtual environment), "
      + "install the CUDA toolkit, or set KINDLING_CUBLAS to the path of libcublas.so.")

  /// The OpenCL ICD loader, which finds the installed OpenCL drivers.
  package static let openCL = LibraryLocator(
    displayName: "OpenCL (the ICD loader libOpenCL.so.1)", environmentVariable: "KINDLING_OPENCL",
    sonames: ["libOpenCL.so.1", "libOpenCL.so"], wheelFilePrefix: "libOpenCL.so", wheelDirectories: [],
    installHint: "Install an OpenCL driver and the loader (on Debian/Ubuntu: `apt-get install pocl-opencl-icd "
      + "ocl-icd-libopencl1`, which runs kernels on the CPU), or set KINDLING_OPENCL to the path of libOpenCL.so.1.")

  /// The paths to try, in order (see the type's overview). With the environment variable set,
  /// only its value.
  package func candidates(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) -> [String] {
    if let path = environment[environmentVariable], !path.isEmpty { return [path] }
    var paths = sonames
    for sitePackages in Self.sitePackages(environment: environment, currentDirectory: currentDirectory) {
      for directory in wheelDirectories {
        let folder = "\(sitePackages)/\(directory)"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
        // Newest version first: libnvrtc.so.13 before libnvrtc.so.12.
        for name in names.filter({ $0.hasPrefix(wheelFilePrefix) }).sorted(by: >) {
          paths.append("\(folder)/\(name)")
        }
      }
    }
    var seen = Set<String>()
    return paths.filter { seen.insert($0).inserted }
  }

  /// Opens the first candidate that `open` accepts and returns what it made with the path.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` listing every path tried with its reason, and
  ///   ``installHint``.
  package func load<Library>(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    _ open: (String) -> Result<Library, Failure>
  ) throws(GPUError) -> (library: Library, path: String) {
    var tried: [String] = []
    if environment[environmentVariable].map({ $0.isEmpty }) ?? true {
      tried.append("$\(environmentVariable) is not set")
    }
    for path in candidates(environment: environment) {
      switch open(path) {
      case .success(let library): return (library, path)
      case .failure(let failure): tried.append("\(path): \(failure.reason)")
      }
    }
    throw .unavailable(
      "\(displayName) is not available. Tried:\n" + tried.map { "  - \($0)" }.joined(separator: "\n") + "\n"
        + installHint)
  }

  /// Opens the first candidate with a shim's `open` function (`kd_nvrtc_open`, …), which fills
  /// the C function table `api` (starting from `empty`) or writes why it could not.
  ///
  /// - Throws: ``GPUError/unavailable(_:)`` as ``load(environment:_:)``.
  package func open<API>(
    _ empty: API, environment: [String: String] = ProcessInfo.processInfo.environment,
    with open: (UnsafePointer<CChar>?, UnsafeMutablePointer<API>?, UnsafeMutablePointer<CChar>?, Int) -> Int32
  ) throws(GPUError) -> (library: API, path: String) {
    try load(environment: environment) { (path: String) -> Result<API, Failure> in
      var api = empty
      var message = [CChar](repeating: 0, count: 512)
      guard open(path, &api, &message, message.count) == 0 else {
        return .failure(Failure(String(nulTerminated: message)))
      }
      return .success(api)
    }
  }

  /// The site-packages directories a Python environment may have, existing ones only.
  static func sitePackages(environment: [String: String], currentDirectory: String) -> [String] {
    var patterns: [String] = []
    if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { patterns.append("\(venv)/lib/python3*/site-packages") }
    patterns.append("\(currentDirectory)/.venv/lib/python3*/site-packages")
    patterns.append("\(currentDirectory)/.venv-gpu/lib/python3*/site-packages")
    if let home = environment["HOME"], !home.isEmpty {
      patterns.append("\(home)/.local/lib/python3*/site-packages")
    }
    patterns += [
      "/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
      "/usr/lib/python3/dist-packages",
    ]
    return patterns.flatMap(expand)
  }

  /// The paths matching a shell pattern, sorted newest Python first.
  static func expand(_ pattern: String) -> [String] {
    var matches = glob_t()
    defer { globfree(&matches) }
    guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
    return (0..<Int(matches.gl_pathc)).compactMap { index in
      matches.gl_pathv[index].map { String(cString: $0) }
    }.sorted(by: >)
  }
}
