import Foundation
import Kindling

/// The facts `kindling info` prints, gathered once so they can be rendered and tested apart.
struct SystemReport {
  struct DataSet {
    var name: String
    var root: String
    var missingFiles: [String]
  }

  var version: String
  var blasConfiguration: String
  var blasCore: String
  var blasThreads: Int
  var lapackVersion: String?
  var cpuCores: Int
  /// The CUDA devices as one line each, or the reason CUDA is unavailable.
  enum CUDAStatus {
    case devices([String])
    case unavailable(reason: String)
  }

  var cuda: CUDAStatus
  var dataSets: [DataSet]

  /// Reads the facts from this machine. Opening the CUDA driver is the only slow part.
  static func current() -> SystemReport {
    return SystemReport(
      version: KindlingVersion.current,
      blasConfiguration: BLAS.configuration,
      blasCore: BLAS.coreName
        + (BLAS.coreReplacement == nil ? "" : ", chosen by Kindling over OpenBLAS's pre-AVX fallback"),
      blasThreads: BLAS.threadCount,
      lapackVersion: LAPACK.version,
      cpuCores: ProcessInfo.processInfo.activeProcessorCount,
      cuda: cudaStatus(),
      dataSets: DataSetCatalog.discover().map {
        DataSet(name: $0.name, root: $0.root, missingFiles: $0.missingFiles)
      }
    )
  }

  private static func cudaStatus() -> CUDAStatus {
    if let reason = CUDA.unavailableReason { return .unavailable(reason: reason) }
    do {
      let driver = try CUDA.driverVersion()
      return .devices(
        try (0..<CUDA.deviceCount).map { index throws(CUDAError) in
          let p = try CUDA.properties(of: index)
          return "cuda:\(index) \(p.name), \(formatBytes(p.totalMemory)), compute capability "
            + "\(p.computeCapability.major).\(p.computeCapability.minor), driver CUDA \(driver / 1000).\(driver % 1000 / 10)"
        })
    } catch {
      return .unavailable(reason: error.description)
    }
  }
  /// The report as aligned `label  value` lines.
  func rendered() -> String {
    var rows: [(String, String)] = [
      ("Kindling", version),
      (
        "BLAS",
        "\(blasConfiguration.trimmingCharacters(in: .whitespaces)) (core \(blasCore)), \(blasThreads) thread\(blasThreads == 1 ? "" : "s")"
      ),
      ("LAPACKE", lapackVersion.map { "present, LAPACK \($0)" } ?? "not found (apt-get install liblapacke-dev)"),
      ("CPU", "\(cpuCores) core\(cpuCores == 1 ? "" : "s")"),
    ]
    switch cuda {
    case .devices(let devices):
      rows += devices.enumerated().map { ($0.offset == 0 ? "CUDA" : "", $0.element) }
    case .unavailable(let reason):
      rows.append(("CUDA", "not available: " + reason.replacingOccurrences(of: "CUDA is not available: ", with: "")))
    }
    for (i, set) in dataSets.enumerated() {
      let state =
        set.missingFiles.isEmpty
        ? "found at \(set.root)" : "not found at \(set.root) (missing \(set.missingFiles.joined(separator: ", ")))"
      rows.append((i == 0 ? "Data sets" : "", "\(set.name): \(state)"))
    }
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { label, value in
      label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
    }.joined(separator: "\n")
  }
}
