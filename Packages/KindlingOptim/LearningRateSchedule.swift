import Foundation

/// A learning rate as a function of the epoch, in the closed forms of PyTorch's schedulers.
///
/// For a schedule as a plain function of the epoch (the `kindling train` command uses it). The
/// stateful schedulers attached to an optimizer are ``StepLR``, ``CosineAnnealingLR`` and the
/// others conforming to ``LearningRateScheduler``; this enum gives the closed forms of the first two.
///
/// ```swift
/// let cosine = LearningRateSchedule.cosine(maxEpochs: 10, minimum: 0)
/// cosine.learningRate(base: 0.1, epoch: 5)   // 0.05
/// ```
public enum LearningRateSchedule: Sendable, Equatable {
  /// The base rate at every epoch.
  case constant
  /// The base rate times `gamma` once every `stepSize` epochs (`torch.optim.lr_scheduler.StepLR`).
  case step(stepSize: Int, gamma: Double)
  /// Half a cosine from the base rate down to `minimum` over `maxEpochs` epochs
  /// (`CosineAnnealingLR(T_max=maxEpochs, eta_min=minimum)`).
  case cosine(maxEpochs: Int, minimum: Double)

  /// The rate at `epoch` (0 is the first) for a base rate of `base`.
  public func learningRate(base: Double, epoch: Int) -> Double {
    precondition(epoch >= 0, "LearningRateSchedule: epoch must not be negative, but got \(epoch)")
    switch self {
    case .constant:
      return base
    case .step(let stepSize, let gamma):
      precondition(stepSize > 0, "StepLR: stepSize must be positive, but got \(stepSize)")
      return base * pow(gamma, Double(epoch / stepSize))
    case .cosine(let maxEpochs, let minimum):
      precondition(maxEpochs > 0, "CosineAnnealingLR: maxEpochs must be positive, but got \(maxEpochs)")
      return minimum + (base - minimum) * (1 + cos(Double.pi * Double(epoch) / Double(maxEpochs))) / 2
    }
  }
}
