import Kindling

/// The optimizer and learning-rate scheduler of a run, built from its settings.
final class TrainingSession {
  private enum Choice {
    case sgd(SGD)
    case adam(Adam)

    var optimizer: any Optimizer {
      switch self {
      case .sgd(let o): o
      case .adam(let o): o
      }
    }
  }

  private let choice: Choice
  let scheduler: (any LearningRateScheduler)?

  init(settings: TrainSettings, parameters: [Tensor]) {
    switch settings.optimizer {
    case "adam", "adamw":
      let adam =
        settings.optimizer == "adamw"
        ? AdamW(parameters, lr: settings.learningRate, weightDecay: settings.weightDecay)
        : Adam(parameters, lr: settings.learningRate, weightDecay: settings.weightDecay)
      choice = .adam(adam)
    default:
      choice = .sgd(
        SGD(parameters, lr: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay))
    }
    scheduler = Self.scheduler(settings, for: choice.optimizer)
  }

  /// The per-epoch schedule the settings name, or `nil` for `none`.
  private static func scheduler(_ settings: TrainSettings, for optimizer: any Optimizer) -> (any LearningRateScheduler)? {
    switch settings.scheduler {
    case "cosine": CosineAnnealingLR(optimizer, tMax: settings.epochs)
    case "step": StepLR(optimizer, stepSize: max(1, settings.epochs / 3), gamma: 0.1)
    default: nil
    }
  }

  var optimizer: any Optimizer { choice.optimizer }

  /// The learning rate of the (only) parameter group.
  var learningRate: Double { optimizer.learningRates[0] }

  /// Steps the scheduler once per epoch.
  func endEpoch(testLoss: Double) { scheduler?.step() }

  /// A checkpoint of the model, the optimizer, the scheduler and the default generator.
  func checkpoint(model: Module, epoch: Int) throws(TrainingCheckpointError) -> TrainingCheckpoint {
    switch choice {
    case .sgd(let o): try TrainingCheckpoint(model: model.stateDict(), optimizer: o, scheduler: scheduler, epoch: epoch)
    case .adam(let o): try TrainingCheckpoint(model: model.stateDict(), optimizer: o, scheduler: scheduler, epoch: epoch)
    }
  }

  /// Restores the optimizer, the scheduler and the default generator from `checkpoint`.
  func restore(from checkpoint: TrainingCheckpoint) throws(TrainingCheckpointError) {
    switch choice {
    case .sgd(let o): try checkpoint.restore(optimizer: o, scheduler: scheduler)
    case .adam(let o): try checkpoint.restore(optimizer: o, scheduler: scheduler)
    }
  }
}
