import ArgumentParser

/// `kindling`: Kindling's command line.
public struct KindlingCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "kindling",
    abstract: "Kindling: PyTorch-style deep learning in Swift.",
    version: KindlingVersion.current,
    subcommands: [InfoCommand.self, TrainCommand.self, EvalCommand.self, PredictCommand.self, GPUCommand.self]
  )

  public init() {}
}

/// The version of Kindling this command line was built from.
public enum KindlingVersion {
  public static let current = "0.1.0"
}
