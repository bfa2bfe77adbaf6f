import ArgumentParser
import Foundation
import Kindling
import KindlingTestSupport
import Testing

@testable import KindlingCLI

/// A tiny learnable Fashion-MNIST look-alike in IDX files: class k lights a 7×7 block at a
/// position of its own, plus noise.
private func writeSyntheticDataSet(to directory: URL, train: Int = 240, test: Int = 80) throws {
  var generator = MT19937(seed: 3)
  func split(_ count: Int, train isTrain: Bool) throws {
    var pixels = [UInt8](repeating: 0, count: count * 784)
    var labels = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
      let label = i % 10
      labels[i] = UInt8(label)
      let (top, left) = (label / 4 * 7 + 3, label % 4 * 7)
      for r in 0..<28 {
        for c in 0..<28 {
          let inBlock = (top..<top + 7).contains(r) && (left..<left + 7).contains(c)
          pixels[i * 784 + r * 28 + c] = UInt8(truncatingIfNeeded: (inBlock ? 180 : 0) + Int(generator.next() % 60))
        }
      }
    }
    let names = IDXImageDataSet.fileNames(train: isTrain)
    func bigEndian(_ values: [Int]) -> [UInt8] {
      values.flatMap { v in (0..<4).reversed().map { UInt8(v >> ($0 * 8) & 0xFF) } }
    }
    try Data([0, 0, 8, 3] + bigEndian([count, 28, 28]) + pixels).write(
      to: directory.appendingPathComponent(names.images))
    try Data([0, 0, 8, 1] + bigEndian([count]) + labels).write(to: directory.appendingPathComponent(names.labels))
  }
  try split(train, train: true)
  try split(test, train: false)
}

private func temporaryDirectory() -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-train-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

private func settings(
  _ dataRoot: URL, model: ModelKind = .mlp, epochs: Int = 2, optimizer: String = "sgd", scheduler: String = "none",
  device: String = "cpu"
) -> TrainSettings {
  TrainSettings(
    model: model, dataset: "fashion-mnist", dataRoot: dataRoot.path, epochs: epochs, batchSize: 20, learningRate: 0.05,
    optimizer: optimizer, momentum: 0.9, weightDecay: 0, scheduler: scheduler, device: device, threads: nil, seed: 0,
    workers: 0)
}

@Suite("kindling train", .serialized)
struct TrainCommandTests {
  @Test("bad options stop with a message naming the option")
  func validation() {
    for (arguments, message) in [
      (["--epochs", "0"], "--epochs must be at least 1"),
      (["--batch-size=-1"], "--batch-size must be at least 1"),
      (["--dataset", "cifar"], "Unknown data set 'cifar'"),
      (["--model", "resnet"], "Unknown model 'resnet'"),
      (["--optimizer", "lion"], "Unknown optimizer 'lion'"),
      (["--scheduler", "linear"], "Unknown scheduler 'linear'"),
      (["--lr", "0"], "--lr must be a positive number"),
      (["--device", "tpu"], "Unknown device 'tpu'"),
    ] {
      do {
        _ = try TrainCommand.parse(arguments)
        Issue.record("\(arguments) should have been refused")
      } catch {
        #expect(TrainCommand.message(for: error).contains(message), "\(arguments)")
      }
    }
  }

  @Test("the defaults train the CNN for 2 epochs at batch 64 with SGD lr 0.05 momentum 0.9 and a cosine schedule")
  func defaults() throws {
    let settings = try TrainCommand.parse([]).settings
    #expect(settings.model == .cnn && settings.epochs == 2 && settings.batchSize == 64)
    #expect(settings.optimizer == "sgd" && settings.learningRate == 0.05 && settings.momentum == 0.9)
    #expect(settings.scheduler == "cosine")
  }

  @Test("a run learns, and writes checkpoints, run.json, metrics.csv and both plots", .isolatedRandomness)
  func runWritesEverything() throws {
    let data = temporaryDirectory(), out = temporaryDirectory()
    try writeSyntheticDataSet(to: data)
    let run = settings(data, epochs: 3)
    var lines: [String] = []
    let progress = try Trainer(
      settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: out.path)
    ) {
      lines.append($0)
    }.run()
    #expect(progress.history.count == 3)
    #expect(progress.history.last!.testAccuracy > 0.9)
    #expect(progress.history.last!.trainLoss < progress.history.first!.trainLoss)
    for file in [
      "checkpoint-final.safetensors", "checkpoint-best.safetensors", "run.json", "metrics.csv", "curves.svg",
      "curves.png",
    ] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }
    #expect(lines.contains { $0.hasPrefix("best test accuracy:") })
    let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n").count == 4)
    // eval on the final checkpoint agrees with the last epoch's accuracy.
    let (loaded, model) = try RunCheckpoint.loadModel(
      from: out.appendingPathComponent("checkpoint-final.safetensors").path)
    #expect(loaded == run)
    let matrix = confusionMatrix(model: model, kind: .mlp, data: try TrainingData(settings: run))
    #expect(matrix.accuracy == progress.history.last!.testAccuracy)
  }

  @Test(
    "--flush-denormal is saved with the run's settings (settings saved before it read back as off) and the caller's setting is restored after the run",
    .isolatedRandomness)
  func flushDenormal() throws {
    #expect(try TrainCommand.parse([]).settings.flushDenormal == nil)
    let data = temporaryDirectory(), out = temporaryDirectory()
    try writeSyntheticDataSet(to: data)
    let command = try TrainCommand.parse([
      "--model", "mlp", "--epochs", "1", "--batch-size", "20", "--data", data.path, "--out", out.path,
      "--flush-denormal",
    ])
    #expect(command.settings.flushDenormal == true)
    #expect(!isFlushDenormalEnabled)
    try command.run()
    #expect(!isFlushDenormalEnabled)
    let (loaded, _) = try RunCheckpoint.loadModel(from: out.appendingPathComponent("checkpoint-final.safetensors").path)
    #expect(loaded.flushDenormal == true)
    var old = command.settings
    old.flushDenormal = nil
    let json = try JSONEncoder().encode(old)
    #expect(!String(decoding: json, as: UTF8.self).contains("flushDenormal"))
    #expect(try JSONDecoder().decode(TrainSettings.self, from: json) == old)
  }

  @Test(
    "Ctrl-C mid-epoch saves a checkpoint, and --resume finishes with the same numbers as an uninterrupted run",
    .isolatedRandomness)
  func interruptAndResume() throws {
    let data = temporaryDirectory()
    try writeSyntheticDataSet(to: data)
    for (model, optimizer, scheduler) in [(ModelKind.mlp, "sgd", "cosine"), (.cnn, "adamw", "step")] {
      let run = settings(data, model: model, epochs: 2, optimizer: optimizer, scheduler: scheduler)
      let straight = try Trainer(
        settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: temporaryDirectory().path),
        log: { _ in }
      ).run()

      let out = temporaryDirectory()
      let interrupted = try Trainer(
        settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: out.path), log: { _ in })
      var epochOneBatches = 0
      interrupted.afterBatch = { batch in
        epochOneBatches += 1
        if epochOneBatches == 17 { Interrupt.request() }  // epoch 2, batch 5
      }
      let stopped = try interrupted.run()
      #expect(stopped.epoch == 1 && stopped.batch == 5)
      let checkpoint = try RunCheckpoint.load(
        from: out.appendingPathComponent("checkpoint-interrupted.safetensors").path)
      let resumed = try Trainer(
        settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: out.path), log: { _ in }
      )
      .run(resumingFrom: checkpoint)
      #expect(resumed.history.map(\.trainLoss) == straight.history.map(\.trainLoss), "\(model)")
      #expect(resumed.history.map(\.testLoss) == straight.history.map(\.testLoss), "\(model)")
      #expect(resumed.history.map(\.testAccuracy) == straight.history.map(\.testAccuracy), "\(model)")
    }
  }

  @Test("--device opencl trains the same run as the CPU (the GPU kernels, run by POCL here)", .isolatedRandomness)
  func trainOnDevice() throws {
    guard (try? Tensor.zeros([1]).to(.opencl)) != nil else { return print("skipped: no OpenCL device") }
    let data = temporaryDirectory()
    try writeSyntheticDataSet(to: data)
    func run(_ device: String) throws -> TrainProgress {
      let run = settings(data, model: .cnn, epochs: 1, device: device)
      return try Trainer(
        settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: temporaryDirectory().path),
        log: { _ in }
      ).run()
    }
    let (gpu, cpu) = (try run("opencl").history[0], try run("cpu").history[0])
    #expect(abs(gpu.trainLoss - cpu.trainLoss) < 1e-4 && abs(gpu.testLoss - cpu.testLoss) < 1e-4)
    #expect(gpu.testAccuracy == cpu.testAccuracy)
  }

  @Test("--device cuda without a GPU stops with one line naming what is missing")
  func missingDevice() throws {
    guard !CUDA.isAvailable else { return }
    let data = temporaryDirectory()
    try writeSyntheticDataSet(to: data)
    let run = settings(data, device: "cuda")
    #expect {
      _ = try Trainer(
        settings: run, data: TrainingData(settings: run), directory: RunDirectory(path: temporaryDirectory().path),
        log: { _ in }
      ).run()
    } throws: { "\($0)".hasPrefix("--device cuda: cannot use cuda:0: CUDA is not available") }
  }

  @Test("bad input gives one clear line: missing data set, a checkpoint that is not one, an unwritable output")
  func badInput() throws {
    let empty = temporaryDirectory()
    #expect {
      _ = try TrainingData(dataset: "fashion-mnist", root: empty.path)
    } throws: { "\($0)".contains("dataset-fashion-mnist") && "\($0)".contains(empty.path) }
    let notCheckpoint = empty.appendingPathComponent("model.safetensors")
    try SafeTensors.save(["weight": Tensor.zeros([2])], to: notCheckpoint.path)
    #expect {
      _ = try RunCheckpoint.loadModel(from: notCheckpoint.path)
    } throws: { "\($0)".contains("not a Kindling training checkpoint") }
    #expect {
      _ = try RunCheckpoint.loadModel(from: empty.appendingPathComponent("missing.safetensors").path)
    } throws: { "\($0)".contains("missing.safetensors") }
    let file = empty.appendingPathComponent("plain-file")
    try Data([1]).write(to: file)
    #expect(throws: CLIError.self) { _ = try RunDirectory(path: file.appendingPathComponent("sub").path) }
  }
}
