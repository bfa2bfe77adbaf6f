import ArgumentParser

/// `kindling info`: what Kindling runs on, on this machine.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Show Kindling's version, BLAS, LAPACKE, devices and the data sets found here."
  )

  func run() {
    print(SystemReport.current().rendered())
  }
}
