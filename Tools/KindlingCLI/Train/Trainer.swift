import Foundation
import Kindling

/// The training loop of `kindling train`: epochs of shuffled batches, evaluation after each,
/// reports, checkpoints, Ctrl-C handling and exact resumption.
final class Trainer {
  let settings: TrainSettings
  let data: TrainingData
  let directory: RunDirectory
  let log: (String) -> Void
  /// Called after each trained batch with the batch number in the epoch (tests use it to press
  /// Ctrl-C at a chosen batch).
  var afterBatch: ((Int) -> Void)?

  init(settings: TrainSettings, data: TrainingData, directory: RunDirectory, log: @escaping (String) -> Void = { print($0) }) {
    (self.settings, self.data, self.directory, self.log) = (settings, data, directory, log)
  }

  /// Trains until `settings.epochs` are done or Ctrl-C; returns where the run stands.
  @discardableResult
  func run(resumingFrom checkpoint: RunCheckpoint? = nil) throws -> TrainProgress {
    manualSeed(settings.seed)
    let model = settings.model.makeModel()
    let device = Device(settings.device) ?? .cpu
    do {
      try model.to(device)
    } catch {
      throw CLIError("--device \(settings.device): \(error) (`kindling info` lists the devices; use --device cpu).")
    }
    let session = TrainingSession(settings: settings, parameters: model.parameters())
    let loaderGenerator = Generator(seed: settings.seed)
    var progress = TrainProgress(epoch: 0, batch: 0, lossSum: 0, history: [], bestAccuracy: 0)
    if let checkpoint {
      try checkpoint.restore(model: model, session: session, loaderGenerator: loaderGenerator)
      progress = checkpoint.progress
      log("Resuming \(checkpoint.path) at epoch \(progress.epoch + 1), batch \(progress.batch)")
    }
    let loader = DataLoader(
      data.train, batchSize: settings.batchSize, shuffle: true, workers: settings.workers, generator: loaderGenerator)
    log(
      "Training \(settings.model.rawValue) (\(model.parameterCount) parameters) on \(settings.dataset): "
        + "\(data.train.count) training and \(data.test.count) test images, batch \(settings.batchSize), "
        + "\(settings.optimizer) lr \(settings.learningRate), \(settings.epochs) epochs, seed \(settings.seed) → \(directory.url.path)")
    Interrupt.install()
    defer { Interrupt.uninstall() }

    while progress.epoch < settings.epochs {
      let epochStart = loaderGenerator.state
      let batches = loader.makeIterator()
      for _ in 0..<progress.batch { _ = try batches.next() }
      let bar = ProgressBar(label: "epoch \(progress.epoch + 1)/\(settings.epochs)", total: loader.count)
      let start = Date()
      var samples = 0
      model.train()
      while let (hostImages, hostLabels) = try batches.next() {
        let (images, labels) = (try hostImages.to(device), try hostLabels.to(device))
        let loss = crossEntropy(model(settings.model.input(images)), labels)
        session.optimizer.zeroGrad()
        loss.backward()
        session.optimizer.step()
        progress.batch += 1
        progress.lossSum += loss.item()
        samples += labels.count
        afterBatch?(progress.batch)
        let elapsed = Date().timeIntervalSince(start)
        bar.update(
          completed: progress.batch, runningLoss: progress.lossSum / Double(progress.batch),
          samplesPerSecond: Double(samples) / max(elapsed, 1e-9))
        if Interrupt.isRequested {
          bar.finish()
          let file = directory.file("checkpoint-interrupted.safetensors")
          try RunCheckpoint.save(
            to: file, settings: settings, progress: progress, model: model, session: session, loaderGenerator: epochStart)
          log("Stopped at epoch \(progress.epoch + 1), batch \(progress.batch) of \(loader.count). Checkpoint: \(file.path)")
          log("Resume with: kindling train --resume \(file.path)")
          return progress
        }
      }
      bar.finish()
      let seconds = Date().timeIntervalSince(start)
      let (testLoss, accuracy) = try evaluate(model)
      let metrics = EpochMetrics(
        epoch: progress.epoch + 1, trainLoss: progress.lossSum / Double(max(progress.batch, 1)), testLoss: testLoss,
        testAccuracy: accuracy, learningRate: session.learningRate, seconds: seconds,
        samplesPerSecond: Double(samples) / max(seconds, 1e-9))
      session.endEpoch(testLoss: testLoss)
      progress = TrainProgress(
        epoch: progress.epoch + 1, batch: 0, lossSum: 0, history: progress.history + [metrics],
        bestAccuracy: max(progress.bestAccuracy, accuracy))
      log(
        String(
          format: "epoch %d/%d  train loss %.4f  test loss %.4f  test acc %.2f%%  %.1fs  %.0f samples/s", metrics.epoch,
          settings.epochs, metrics.trainLoss, testLoss, accuracy * 100, seconds, metrics.samplesPerSecond))
      let names = ["checkpoint-final.safetensors"] + (accuracy >= progress.bestAccuracy ? ["checkpoint-best.safetensors"] : [])
      for name in names {
        try RunCheckpoint.save(
          to: directory.file(name), settings: settings, progress: progress, model: model, session: session,
          loaderGenerator: loaderGenerator.state)
      }
      try writeReports(progress)
    }
    log("")
    log(EpochMetrics.summaryTable(progress.history))
    log(String(format: "best test accuracy: %.2f%%", progress.bestAccuracy * 100))
    log("loss " + sparkline(progress.history.map(\.trainLoss)))
    log("files: \(directory.url.path)/{checkpoint-final,checkpoint-best}.safetensors, run.json, metrics.csv, curves.svg, curves.png")
    return progress
  }

  /// Mean cross-entropy and accuracy on the test split, in batches of 1000, without gradients.
  func evaluate(_ model: Module) throws -> (loss: Double, accuracy: Double) {
    model.eval()
    defer { model.train() }
    let (images, labels) = data.testTensors
    let device = Device(settings.device) ?? .cpu
    var lossSum = 0.0, correct = 0
    try noGrad { () throws in
      for first in stride(from: 0, to: labels.count, by: 1000) {
        let range = first..<min(first + 1000, labels.count)
        let (batch, target) = (try images[range].to(device), try labels[range].to(device))
        let logits = model(settings.model.input(batch))
        lossSum += crossEntropy(logits, target, reduction: .sum).item()
        correct += Int(logits.argmax(dim: 1).eq(target).sum().item())
      }
    }
    return (lossSum / Double(labels.count), Double(correct) / Double(labels.count))
  }

  private func writeReports(_ progress: TrainProgress) throws {
    try directory.write(EpochMetrics.csv(progress.history), to: "metrics.csv")
    let plot = CurvePlot(epochs: progress.history)
    try directory.write(plot.svg, to: "curves.svg")
    try directory.write(plot.raster(scale: 1).png, to: "curves.png")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let run = RunSummary(settings: settings, metrics: progress.history, bestAccuracy: progress.bestAccuracy)
    do {
      try directory.write(try encoder.encode(run), to: "run.json")
    } catch let error as CLIError {
      throw error
    } catch {
      throw CLIError("cannot encode run.json: \(error)")
    }
  }
}

/// `run.json`: the settings and the per-epoch metrics of a run.
struct RunSummary: Codable {
  var settings: TrainSettings
  var metrics: [EpochMetrics]
  var bestAccuracy: Double
}
