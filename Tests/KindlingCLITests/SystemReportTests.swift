import Testing

@testable import KindlingCLI

@Suite("kindling info")
struct SystemReportTests {
  @Test("renders every fact as an aligned line")
  func rendering() {
    let report = SystemReport(
      version: "9.9.9", blasConfiguration: "OpenBLAS 0.3.21 DYNAMIC_ARCH ", blasCore: "Zen", blasThreads: 2,
      lapackVersion: "3.11.0", cpuCores: 2,
      cuda: .unavailable(reason: "CUDA is not available: the NVIDIA driver library libcuda.so.1 could not be loaded (x)."),
      dataSets: [
        .init(name: "fashion-mnist", root: "/d/f", missingFiles: []),
        .init(name: "mnist", root: "/d/m", missingFiles: ["train-images-idx3-ubyte"]),
      ])
    #expect(
      report.rendered() == """
        Kindling   9.9.9
        BLAS       OpenBLAS 0.3.21 DYNAMIC_ARCH (core Zen), 2 threads
        LAPACKE    present, LAPACK 3.11.0
        CPU        2 cores
        CUDA       not available: the NVIDIA driver library libcuda.so.1 could not be loaded (x).
        Data sets  fashion-mnist: found at /d/f
                   mnist: not found at /d/m (missing train-images-idx3-ubyte)
        """)
  }

  @Test("lists CUDA devices one per line")
  func devices() {
    var report = SystemReport.current()
    report.cuda = .devices(["cuda:0 A", "cuda:1 B"])
    let lines = report.rendered().split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("CUDA") && $0.hasSuffix("cuda:0 A") })
    #expect(lines.contains { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("cuda:1 B") })
  }

  @Test("reads this machine: OpenBLAS, LAPACK 3, at least one core, both data sets listed")
  func thisMachine() {
    let report = SystemReport.current()
    #expect(report.blasConfiguration.hasPrefix("OpenBLAS"))
    #expect(report.lapackVersion?.hasPrefix("3.") == true)
    #expect(report.cpuCores >= 1 && report.blasThreads >= 1)
    #expect(report.dataSets.map(\.name).contains("fashion-mnist"))
    #expect(report.rendered().contains("CUDA"))
  }
}
