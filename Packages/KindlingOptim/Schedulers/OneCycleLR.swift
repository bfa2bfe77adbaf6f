import Foundation

/// The 1cycle policy (`torch.optim.lr_scheduler.OneCycleLR`): per batch, the rate rises from
/// `maxLR / divFactor` to `maxLR` over the first `pctStart` of `totalSteps`, then falls to
/// `initial / finalDivFactor`; the momentum (SGD's `momentum`, Adam's `beta1`) moves the other
/// way between `maxMomentum` and `baseMomentum`. `threePhase` comes back to the initial rate
/// before the final fall.
///
/// ```swift
/// let scheduler = OneCycleLR(optimizer, maxLR: [0.1], totalSteps: epochs * batchesPerEpoch)
/// for batch in batches { train(batch); optimizer.step(); scheduler.step() }
/// ```
public final class OneCycleLR: LRScheduler {
  /// How the rate moves within a phase.
  public enum AnnealStrategy: String, Codable, Sendable {
    /// Half a cosine.
    case cos
    /// A straight line.
    case linear
  }

  private struct Phase {
    let endStep: Double
    let startLR: KeyPath<OneCycleLR.Limits, Double>
    let endLR: KeyPath<OneCycleLR.Limits, Double>
    let startMomentum: KeyPath<OneCycleLR.Limits, Double>
    let endMomentum: KeyPath<OneCycleLR.Limits, Double>
  }

  /// One group's ends of the cycle.
  struct Limits {
    let initialLR: Double, maxLR: Double, minLR: Double, maxMomentum: Double, baseMomentum: Double
  }

  /// The number of steps of the cycle.
  public let totalSteps: Int
  /// How rates and momenta move within a phase.
  public let annealStrategy: AnnealStrategy
  /// Whether the momentum moves against the rate.
  public let cycleMomentum: Bool
  private let phases: [Phase]
  private let limits: [Limits]

  /// - Parameters:
  ///   - maxLR: the peak rate of each group (one value applies to all).
  ///   - totalSteps: the number of `step()` calls the cycle lasts.
  ///   - cycleMomentum: needs an optimizer with momentum or betas.
  /// - Precondition: `totalSteps > 0`, `pctStart` in `[0, 1]` (PyTorch's messages).
  public init(
    _ optimizer: any Optimizer, maxLR: [Double], totalSteps: Int, pctStart: Double = 0.3,
    annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
    maxMomentum: Double = 0.95, divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false
  ) {
    precondition(totalSteps > 0, "Expected positive integer total_steps, but got \(totalSteps)")
    precondition(pctStart >= 0 && pctStart <= 1, "Expected float between 0 and 1 pct_start, but got \(pctStart)")
    let groups = optimizer.learningRates.count
    precondition(
      maxLR.count == 1 || maxLR.count == groups, "expected \(groups) values for max_lr, got \(maxLR.count)")
    let total = Double(totalSteps)
    phases =
      threePhase
      ? [
        Phase(endStep: pctStart * total - 1, startLR: \.initialLR, endLR: \.maxLR, startMomentum: \.maxMomentum, endMomentum: \.baseMomentum),
        Phase(endStep: 2 * pctStart * total - 2, startLR: \.maxLR, endLR: \.initialLR, startMomentum: \.baseMomentum, endMomentum: \.maxMomentum),
        Phase(endStep: total - 1, startLR: \.initialLR, endLR: \.minLR, startMomentum: \.maxMomentum, endMomentum: \.maxMomentum),
      ]
      : [
        Phase(endStep: pctStart * total - 1, startLR: \.initialLR, endLR: \.maxLR, startMomentum: \.maxMomentum, endMomentum: \.baseMomentum),
        Phase(endStep: total - 1, startLR: \.maxLR, endLR: \.minLR, startMomentum: \.baseMomentum, endMomentum: \.maxMomentum),
      ]
    limits = (0..<groups).map { g in
      let peak = maxLR.count == 1 ? maxLR[0] : maxLR[g]
      let initial = peak / divFactor
      return Limits(
        initialLR: initial, maxLR: peak, minLR: initial / finalDivFactor, maxMomentum: maxMomentum,
        baseMomentum: baseMomentum)
    }
    self.totalSteps = totalSteps
    self.annealStrategy = annealStrategy
    self.cycleMomentum = cycleMomentum
    optimizer.initialLearningRates = limits.map(\.initialLR)
    if cycleMomentum {
      precondition(
        !optimizer.cyclicMomenta.contains { $0 == nil },
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
      optimizer.cyclicMomenta = limits.map(\.maxMomentum)
    }
    super.init(optimizer: optimizer)
  }

  /// The same with one peak rate for every group.
  public convenience init(
    _ optimizer: any Optimizer, maxLR: Double, totalSteps: Int, pctStart: Double = 0.3,
    annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
    maxMomentum: Double = 0.95, divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false
  ) {
    self.init(
      optimizer, maxLR: [maxLR], totalSteps: totalSteps, pctStart: pctStart, annealStrategy: annealStrategy,
      cycleMomentum: cycleMomentum, baseMomentum: baseMomentum, maxMomentum: maxMomentum, divFactor: divFactor,
      finalDivFactor: finalDivFactor, threePhase: threePhase)
  }

  private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
    switch annealStrategy {
    case .cos: end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
    case .linear: (end - start) * pct + start
    }
  }

  override func nextLR() -> [Double] {
    precondition(
      lastEpoch <= totalSteps, "Tried to step \(lastEpoch) times. The specified number of total steps is \(totalSteps)")
    let stepNumber = Double(lastEpoch)
    var start = 0.0
    var phase = phases[phases.count - 1]
    for (i, candidate) in phases.enumerated() {
      if stepNumber <= candidate.endStep || i == phases.count - 1 {
        phase = candidate
        break
      }
      start = candidate.endStep
    }
    let pct = (stepNumber - start) / (phase.endStep - start)
    if cycleMomentum {
      optimizer.cyclicMomenta = limits.map { anneal($0[keyPath: phase.startMomentum], $0[keyPath: phase.endMomentum], pct) }
    }
    return limits.map { anneal($0[keyPath: phase.startLR], $0[keyPath: phase.endLR], pct) }
  }
}
