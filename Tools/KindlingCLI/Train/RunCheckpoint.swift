import Foundation
import Kindling

/// A `kindling train` checkpoint: a ``TrainingCheckpoint`` plus the run's settings, its progress
/// (epoch, batch, metrics) and the data loader's generator, so `--resume` sees the same batches.
struct RunCheckpoint {
  let path: String
  let checkpoint: TrainingCheckpoint
  let settings: TrainSettings
  let progress: TrainProgress

  static func save(
    to url: URL, settings: TrainSettings, progress: TrainProgress, model: Module, session: TrainingSession,
    loaderGenerator: GeneratorState
  ) throws(CLIError) {
    do {
      var checkpoint = try session.checkpoint(model: model, epoch: progress.epoch)
      try checkpoint.setValue(settings, forKey: "settings")
      try checkpoint.setValue(progress, forKey: "progress")
      try checkpoint.setValue(loaderGenerator, forKey: "loader_generator")
      try checkpoint.save(to: url.path)
    } catch {
      throw CLIError("cannot write the checkpoint \(url.path): \(error)")
    }
  }

  static func load(from path: String) throws(CLIError) -> RunCheckpoint {
    do {
      let checkpoint = try TrainingCheckpoint.load(from: path)
      return RunCheckpoint(
        path: path, checkpoint: checkpoint, settings: try checkpoint.value(TrainSettings.self, forKey: "settings"),
        progress: try checkpoint.value(TrainProgress.self, forKey: "progress"))
    } catch {
      throw CLIError("cannot use the checkpoint \(path): \(error)")
    }
  }

  /// The settings and the trained network of a checkpoint, for `eval` and `predict`.
  static func loadModel(from path: String) throws(CLIError) -> (TrainSettings, Module) {
    let run = try load(from: path)
    let model = run.settings.model.makeModel()
    do {
      try model.loadStateDict(run.checkpoint.model)
    } catch {
      throw CLIError("the checkpoint \(path) does not fit a \(run.settings.model.rawValue) network: \(error)")
    }
    return (run.settings, model)
  }

  /// Puts the model, optimizer, scheduler and both generators back as they were saved.
  func restore(model: Module, session: TrainingSession, loaderGenerator: Generator) throws(CLIError) {
    do {
      try model.loadStateDict(checkpoint.model)
      try session.restore(from: checkpoint)
      loaderGenerator.setState(try checkpoint.value(GeneratorState.self, forKey: "loader_generator"))
    } catch {
      throw CLIError("cannot resume from \(path): \(error)")
    }
  }
}
