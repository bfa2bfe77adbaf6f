import ArgumentParser
import Foundation
import Kindling

/// `kindling train`: trains an MLP or a CNN on Fashion-MNIST (or MNIST) with live progress,
/// per-epoch evaluation, checkpoints, metrics and plots.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a network on Fashion-MNIST (or MNIST) and report loss and accuracy per epoch.",
    discussion: """
      Writes to --out (default runs/<time>): checkpoint-final.safetensors, checkpoint-best.safetensors,
      run.json, metrics.csv, curves.svg and curves.png. Ctrl-C stops after the current batch and saves a
      checkpoint; --resume continues from it exactly.
      """)

  @Option(help: "The network: mlp or cnn.")
  var model: String = "cnn"
  @Option(help: "The data set: fashion-mnist or mnist.")
  var dataset: String = "fashion-mnist"
  @Option(help: "Directory holding the IDX files (default: the data set's Debian location).")
  var data: String?
  @Option(help: "Number of passes over the training set.")
  var epochs: Int = 2
  @Option(help: "Examples per optimizer step.")
  var batchSize: Int = 64
  @Option(help: "Learning rate.")
  var lr: Double = 0.05
  @Option(help: "The optimizer: sgd, adam or adamw.")
  var optimizer: String = "sgd"
  @Option(help: "SGD momentum.")
  var momentum: Double = 0.9
  @Option(help: "Weight decay (L2 for sgd and adam, decoupled for adamw).")
  var weightDecay: Double = 0
  @Option(help: "Learning-rate schedule per epoch: none, cosine or step.")
  var scheduler: String = "cosine"
  @Option(help: "Where to train: cpu, cuda, cuda:<n>, or opencl (the GPU kernels on an OpenCL device).")
  var device: String = "cpu"
  @Option(help: "BLAS and kernel threads (default: all cores).")
  var threads: Int?
  @Option(help: "Seed for the initial weights and the shuffling.")
  var seed: UInt64 = 0
  @Option(help: "Data-loading worker threads.")
  var workers: Int = 0
  @Option(help: "Directory for checkpoints, metrics and plots (default: runs/<time>).")
  var out: String?
  @Option(help: "A checkpoint to continue from (its settings are used; --epochs may extend the run).")
  var resume: String?
  @Flag(
    help: """
      Flush denormal numbers to zero on the CPU (torch.set_flush_denormal): long SGD-momentum runs \
      stay fast once the momentum of idle units shrinks into denormals.
      """)
  var flushDenormal = false

  func validate() throws {
    guard ModelKind(rawValue: model) != nil else {
      throw ValidationError("Unknown model '\(model)': choose mlp or cnn.")
    }
    guard ["fashion-mnist", "mnist"].contains(dataset) else {
      throw ValidationError("Unknown data set '\(dataset)': choose fashion-mnist or mnist.")
    }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, but got \(epochs).") }
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, but got \(batchSize).") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, but got \(lr).") }
    guard ["sgd", "adam", "adamw"].contains(optimizer) else {
      throw ValidationError("Unknown optimizer '\(optimizer)': choose sgd, adam or adamw.")
    }
    guard momentum >= 0, momentum < 1 else {
      throw ValidationError("--momentum must be in [0, 1), but got \(momentum).")
    }
    guard weightDecay >= 0 else {
      throw ValidationError("--weight-decay must not be negative, but got \(weightDecay).")
    }
    guard ["none", "cosine", "step"].contains(scheduler) else {
      throw ValidationError("Unknown scheduler '\(scheduler)': choose none, cosine or step.")
    }
    guard Device(device) != nil else {
      throw ValidationError("Unknown device '\(device)': choose cpu, cuda, cuda:<n> or opencl.")
    }
    if let threads {
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1, but got \(threads).") }
    }
    guard workers >= 0 else { throw ValidationError("--workers must not be negative, but got \(workers).") }
  }

  var settings: TrainSettings {
    TrainSettings(
      model: ModelKind(rawValue: model)!, dataset: dataset, dataRoot: data, epochs: epochs, batchSize: batchSize,
      learningRate: lr, optimizer: optimizer, momentum: momentum, weightDecay: weightDecay, scheduler: scheduler,
      device: device, threads: threads, seed: seed, workers: workers, flushDenormal: flushDenormal ? true : nil)
  }

  func run() throws {
    var settings = settings
    var resumed: RunCheckpoint?
    if let resume {
      let checkpoint = try RunCheckpoint.load(from: resume)
      settings = checkpoint.settings
      settings.epochs = max(settings.epochs, epochs)
      resumed = checkpoint
    }
    if let threads = settings.threads { BLAS.threadCount = threads }
    let flushing = isFlushDenormalEnabled
    setFlushDenormal(settings.flushDenormal ?? false)
    defer { setFlushDenormal(flushing) }
    let directory = try RunDirectory(
      path: out
        ?? (resume.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? RunDirectory.defaultPath()))
    let data = try TrainingData(settings: settings)
    let trainer = Trainer(settings: settings, data: data, directory: directory)
    try trainer.run(resumingFrom: resumed)
  }
}

/// A user-facing failure: one line, non-zero exit, no stack trace.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
