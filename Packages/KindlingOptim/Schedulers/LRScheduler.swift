import Foundation

/// Something that sets an optimizer's learning rates once per `step()` (PyTorch's `LRScheduler`).
public protocol LearningRateScheduler: AnyObject {
  /// Advances one epoch (or one batch, for ``OneCycleLR``) and sets the optimizer's rates; call
  /// it after `optimizer.step()`.
  func step()
  /// The rates the last `step()` (or the initializer) set, one per parameter group (`get_last_lr()`).
  var lastLR: [Double] { get }
  /// The scheduler's progress, to resume it later (`state_dict()`).
  func stateDict() -> LRSchedulerState
  /// Restores progress saved by ``stateDict()`` (`load_state_dict`); load the optimizer's state too.
  func loadStateDict(_ state: LRSchedulerState)
}

/// A scheduler's progress, `Codable` for checkpoints. The configuration (step size, gamma, ...) is
/// not part of it: build the same scheduler, then load.
///
/// ```swift
/// let json = try JSONEncoder().encode(scheduler.stateDict())
/// resumed.loadStateDict(try JSONDecoder().decode(LRSchedulerState.self, from: json))
/// ```
public struct LRSchedulerState: Codable, Equatable, Sendable {
  /// Epochs stepped (`last_epoch`).
  public var lastEpoch: Int
  /// Calls of `step()`, the initializer's included (`_step_count`).
  public var stepCount: Int
  /// The rates the schedule is relative to (`base_lrs`).
  public var baseLRs: [Double]
  /// The rates last set (`_last_lr`).
  public var lastLR: [Double]
  /// ReduceLROnPlateau: the best metric so far, `nil` before the first.
  public var best: Double?
  /// ReduceLROnPlateau: epochs without improvement (`num_bad_epochs`).
  public var numBadEpochs: Int?
  /// ReduceLROnPlateau: epochs of cooldown left (`cooldown_counter`).
  public var cooldownCounter: Int?
  /// SequentialLR: the states of the schedulers it runs.
  public var children: [LRSchedulerState]?

  public init(
    lastEpoch: Int, stepCount: Int, baseLRs: [Double], lastLR: [Double], best: Double? = nil, numBadEpochs: Int? = nil,
    cooldownCounter: Int? = nil, children: [LRSchedulerState]? = nil
  ) {
    self.lastEpoch = lastEpoch
    self.stepCount = stepCount
    self.baseLRs = baseLRs
    self.lastLR = lastLR
    self.best = best
    self.numBadEpochs = numBadEpochs
    self.cooldownCounter = cooldownCounter
    self.children = children
  }
}

/// The shared machinery of epoch-based schedulers (PyTorch's `LRScheduler` base class): each
/// subclass computes the next rates from the current ones (`get_lr`, the recursive form PyTorch
/// uses) and, where it has one, from the epoch alone (`_get_closed_form_lr`).
///
/// The initializer records each group's `initial_lr` (if no scheduler did yet) as ``baseLRs`` and
/// takes the first step, which sets the rates of epoch 0.
public class LRScheduler: LearningRateScheduler {
  /// The optimizer whose rates this scheduler sets.
  public let optimizer: any Optimizer
  /// The rates the schedule is relative to (`base_lrs`): each group's `initial_lr`.
  public internal(set) var baseLRs: [Double]
  /// Epochs stepped; 0 after the initializer (`last_epoch`).
  public internal(set) var lastEpoch: Int = -1
  /// The rates last set (`get_last_lr()`).
  public internal(set) var lastLR: [Double] = []
  var stepCount = 0
  /// True during the step the initializer takes (`_is_initial`).
  var isInitial = false

  init(optimizer: any Optimizer) {
    self.optimizer = optimizer
    let current = optimizer.learningRates
    optimizer.initialLearningRates = zip(optimizer.initialLearningRates, current).map { $0 ?? $1 }
    baseLRs = optimizer.initialLearningRates.map { $0! }
    initialStep()
  }

  /// The first step, taken by the initializer (`_initial_step`).
  func initialStep() {
    stepCount = 0
    isInitial = true
    step()
    isInitial = false
  }

  /// The next rates from the current ones (`get_lr`); `lastEpoch` is already advanced.
  func nextLR() -> [Double] { fatalError("LRScheduler subclasses compute their rates") }

  /// The rates at `lastEpoch` from ``baseLRs`` alone, if the schedule has such a form.
  func closedFormLR() -> [Double]? { nil }

  public func step() {
    stepCount += 1
    updateLR(epoch: nil)
  }

  /// Advances to the next epoch, or jumps to `epoch` using the closed form where there is one.
  func updateLR(epoch: Int?) {
    let values: [Double]
    if let epoch {
      lastEpoch = epoch
      values = closedFormLR() ?? nextLR()
    } else {
      lastEpoch += 1
      values = nextLR()
    }
    optimizer.learningRates = values
    lastLR = optimizer.learningRates
  }

  /// The current rate of each group.
  var currentLR: [Double] { optimizer.learningRates }

  public func stateDict() -> LRSchedulerState {
    LRSchedulerState(lastEpoch: lastEpoch, stepCount: stepCount, baseLRs: baseLRs, lastLR: lastLR)
  }

  public func loadStateDict(_ state: LRSchedulerState) {
    lastEpoch = state.lastEpoch
    stepCount = state.stepCount
    baseLRs = state.baseLRs
    lastLR = state.lastLR
  }
}
