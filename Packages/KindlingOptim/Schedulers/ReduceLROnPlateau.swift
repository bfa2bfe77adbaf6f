/// Cuts the rates by `factor` when a metric has stopped improving for `patience` epochs
/// (`torch.optim.lr_scheduler.ReduceLROnPlateau`). Call ``step(_:)`` with the metric each epoch.
///
/// ```swift
/// let scheduler = ReduceLROnPlateau(optimizer, mode: .min, factor: 0.5, patience: 5)
/// for epoch in 0..<100 { train(); scheduler.step(validationLoss()) }
/// ```
public final class ReduceLROnPlateau {
  /// Whether a lower (`min`) or higher (`max`) metric is better.
  public enum Mode: String, Codable, Sendable { case min, max }
  /// Whether `threshold` is relative to the best value (`rel`) or an absolute margin (`abs`).
  public enum ThresholdMode: String, Codable, Sendable { case rel, abs }

  /// The optimizer whose rates this scheduler cuts.
  public let optimizer: any Optimizer
  /// Whether a lower or a higher metric is better.
  public let mode: Mode
  /// The factor of each cut (`new_lr = lr * factor`).
  public let factor: Double
  /// Epochs without improvement tolerated before a cut.
  public let patience: Int
  /// The least change that counts as an improvement.
  public let threshold: Double
  /// Whether `threshold` is relative or absolute.
  public let thresholdMode: ThresholdMode
  /// Epochs to wait after a cut before counting bad epochs again.
  public let cooldown: Int
  /// The lowest rate of each group.
  public let minLRs: [Double]
  /// Reductions smaller than this are skipped.
  public let eps: Double
  /// The best metric so far; `nil` before the first step.
  public private(set) var best: Double?
  /// Epochs since the last improvement (`num_bad_epochs`).
  public private(set) var numBadEpochs = 0
  /// Epochs of cooldown left after a reduction.
  public private(set) var cooldownCounter = 0
  /// Epochs stepped.
  public private(set) var lastEpoch = 0
  /// The rates after the last step (`get_last_lr()`).
  public private(set) var lastLR: [Double]

  /// - Precondition: `factor < 1` (`Factor should be < 1.0.`); `minLR` has one value or one per group.
  public init(
    _ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
    thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLR: [Double] = [0], eps: Double = 1e-8
  ) {
    precondition(factor < 1.0, "Factor should be < 1.0.")
    let groups = optimizer.learningRates.count
    precondition(minLR.count == 1 || minLR.count == groups, "expected \(groups) min_lrs, got \(minLR.count)")
    self.optimizer = optimizer
    self.mode = mode
    self.factor = factor
    self.patience = patience
    self.threshold = threshold
    self.thresholdMode = thresholdMode
    self.cooldown = cooldown
    self.minLRs = minLR.count == 1 ? Array(repeating: minLR[0], count: groups) : minLR
    self.eps = eps
    lastLR = optimizer.learningRates
  }

  /// Records this epoch's `metric` and reduces the rates after `patience` epochs without improvement.
  public func step(_ metric: Double) {
    lastEpoch += 1
    if isBetter(metric) {
      best = metric
      numBadEpochs = 0
    } else {
      numBadEpochs += 1
    }
    if cooldownCounter > 0 {
      cooldownCounter -= 1
      numBadEpochs = 0
    }
    if numBadEpochs > patience {
      optimizer.learningRates = zip(optimizer.learningRates, minLRs).map { old, floor in
        let new = Swift.max(old * factor, floor)
        return old - new > eps ? new : old
      }
      cooldownCounter = cooldown
      numBadEpochs = 0
    }
    lastLR = optimizer.learningRates
  }

  private func isBetter(_ a: Double) -> Bool {
    guard let best else { return mode == .min ? a < .infinity : a > -.infinity }
    switch (mode, thresholdMode) {
    case (.min, .rel): return a < best * (1.0 - threshold)
    case (.min, .abs): return a < best - threshold
    case (.max, .rel): return a > best * (threshold + 1.0)
    case (.max, .abs): return a > best + threshold
    }
  }

  /// The scheduler's progress (`state_dict()`).
  public func stateDict() -> LRSchedulerState {
    LRSchedulerState(
      lastEpoch: lastEpoch, stepCount: lastEpoch, baseLRs: [], lastLR: lastLR, best: best, numBadEpochs: numBadEpochs,
      cooldownCounter: cooldownCounter)
  }

  /// Restores progress saved by ``stateDict()``.
  public func loadStateDict(_ state: LRSchedulerState) {
    lastEpoch = state.lastEpoch
    lastLR = state.lastLR
    best = state.best
    numBadEpochs = state.numBadEpochs ?? 0
    cooldownCounter = state.cooldownCounter ?? 0
  }
}
