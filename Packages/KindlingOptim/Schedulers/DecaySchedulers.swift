import Foundation

/// Multiplies each group's rate by `gamma` every `stepSize` epochs (`torch.optim.lr_scheduler.StepLR`).
///
/// ```swift
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)   // 0.1 → 0.01 at epoch 30 → …
/// for epoch in 0..<90 { train(); scheduler.step() }
/// ```
public final class StepLR: LRScheduler {
  /// Epochs between two decays (`step_size`).
  public let stepSize: Int
  /// The factor of each decay.
  public let gamma: Double

  public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
    self.stepSize = stepSize
    self.gamma = gamma
    super.init(optimizer: optimizer)
  }

  override func nextLR() -> [Double] {
    lastEpoch == 0 || lastEpoch % stepSize != 0 ? currentLR : currentLR.map { $0 * gamma }
  }

  override func closedFormLR() -> [Double]? { baseLRs.map { $0 * pow(gamma, Double(lastEpoch / stepSize)) } }
}

/// Multiplies each group's rate by `gamma` at every milestone epoch; a milestone listed twice
/// multiplies by `gamma²` (`torch.optim.lr_scheduler.MultiStepLR`).
///
/// ```swift
/// let scheduler = MultiStepLR(optimizer, milestones: [30, 80], gamma: 0.1)
/// ```
public final class MultiStepLR: LRScheduler {
  /// The epochs at which the rates decay, sorted.
  public let milestones: [Int]
  /// The factor of each decay.
  public let gamma: Double

  public init(_ optimizer: any Optimizer, milestones: [Int], gamma: Double = 0.1) {
    self.milestones = milestones.sorted()
    self.gamma = gamma
    super.init(optimizer: optimizer)
  }

  override func nextLR() -> [Double] {
    let hits = milestones.count { $0 == lastEpoch }
    return hits == 0 ? currentLR : currentLR.map { $0 * pow(gamma, Double(hits)) }
  }

  override func closedFormLR() -> [Double]? {
    let passed = milestones.count { $0 <= lastEpoch }
    return baseLRs.map { $0 * pow(gamma, Double(passed)) }
  }
}

/// Multiplies each group's rate by `gamma` every epoch (`torch.optim.lr_scheduler.ExponentialLR`).
///
/// ```swift
/// let scheduler = ExponentialLR(optimizer, gamma: 0.95)
/// ```
public final class ExponentialLR: LRScheduler {
  /// The factor applied every epoch.
  public let gamma: Double

  public init(_ optimizer: any Optimizer, gamma: Double) {
    self.gamma = gamma
    super.init(optimizer: optimizer)
  }

  override func nextLR() -> [Double] { isInitial ? currentLR : currentLR.map { $0 * gamma } }

  override func closedFormLR() -> [Double]? { baseLRs.map { $0 * pow(gamma, Double(lastEpoch)) } }
}

/// Scales each group's base rate linearly from `startFactor` to `endFactor` over `totalIters`
/// epochs, then keeps it (`torch.optim.lr_scheduler.LinearLR`) — a common warmup.
///
/// ```swift
/// let warmup = LinearLR(optimizer, startFactor: 0.1, totalIters: 5)   // 0.01, 0.028, … 0.1
/// ```
public final class LinearLR: LRScheduler {
  /// The factor of the base rate at epoch 0.
  public let startFactor: Double
  /// The factor reached after `totalIters` epochs.
  public let endFactor: Double
  /// The length of the ramp in epochs (`total_iters`).
  public let totalIters: Int

  /// - Precondition: `startFactor` in `(0, 1]` and `endFactor` in `[0, 1]` (PyTorch's messages).
  public init(_ optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5) {
    precondition(
      startFactor > 0 && startFactor <= 1,
      "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
    precondition(endFactor >= 0 && endFactor <= 1, "Ending multiplicative factor expected to be between 0 and 1.")
    self.startFactor = startFactor
    self.endFactor = endFactor
    self.totalIters = totalIters
    super.init(optimizer: optimizer)
  }

  override func nextLR() -> [Double] {
    if lastEpoch == 0 { return currentLR.map { $0 * startFactor } }
    if isInitial || lastEpoch > totalIters { return currentLR }
    let span = endFactor - startFactor
    let factor = 1.0 + span / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * span)
    return currentLR.map { $0 * factor }
  }

  override func closedFormLR() -> [Double]? {
    let factor = startFactor + (endFactor - startFactor) * Double(min(totalIters, lastEpoch)) / Double(totalIters)
    return baseLRs.map { $0 * factor }
  }
}

/// Half a cosine from each group's base rate down to `etaMin` over `tMax` epochs, then back up
/// (`torch.optim.lr_scheduler.CosineAnnealingLR`), computed recursively from the current rate
/// as PyTorch does, so the rates equal PyTorch's `get_last_lr()` bit for bit.
///
/// ```swift
/// let scheduler = CosineAnnealingLR(optimizer, tMax: 100, etaMin: 1e-5)
/// ```
public final class CosineAnnealingLR: LRScheduler {
  /// Epochs of half a cosine period (`T_max`).
  public let tMax: Int
  /// The lowest rate (`eta_min`).
  public let etaMin: Double

  public init(_ optimizer: any Optimizer, tMax: Int, etaMin: Double = 0) {
    self.tMax = tMax
    self.etaMin = etaMin
    super.init(optimizer: optimizer)
  }

  override func nextLR() -> [Double] {
    let t = Double(tMax)
    if isInitial { return currentLR }
    if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
      return zip(currentLR, baseLRs).map { lr, base in lr + (base - etaMin) * (1 - cos(Double.pi / t)) / 2 }
    }
    let ratio = (1 + cos(Double.pi * Double(lastEpoch) / t)) / (1 + cos(Double.pi * Double(lastEpoch - 1) / t))
    return currentLR.map { ratio * ($0 - etaMin) + etaMin }
  }

  override func closedFormLR() -> [Double]? {
    baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(Double.pi * Double(lastEpoch) / Double(tMax))) / 2 }
  }
}
