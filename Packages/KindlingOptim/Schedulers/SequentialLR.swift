/// Runs schedulers one after another, switching at the milestone epochs
/// (`torch.optim.lr_scheduler.SequentialLR`): typically a warmup, then a decay.
///
/// ```swift
/// let warmup = LinearLR(optimizer, startFactor: 0.1, totalIters: 5)
/// let decay = CosineAnnealingLR(optimizer, tMax: 95)
/// let scheduler = SequentialLR(optimizer, schedulers: [warmup, decay], milestones: [5])
/// for epoch in 0..<100 { train(); scheduler.step() }
/// ```
public final class SequentialLR: LearningRateScheduler {
  /// The optimizer all the schedulers drive.
  public let optimizer: any Optimizer
  /// The schedulers, in the order they take over.
  public let schedulers: [LRScheduler]
  /// The epochs at which the next scheduler takes over.
  public let milestones: [Int]
  /// Epochs stepped.
  public private(set) var lastEpoch: Int
  public private(set) var lastLR: [Double]

  /// - Precondition: at least one scheduler, all on `optimizer`, and one milestone fewer than
  ///   schedulers (PyTorch's messages).
  public init(_ optimizer: any Optimizer, schedulers: [LRScheduler], milestones: [Int]) {
    precondition(!schedulers.isEmpty, "SequentialLR expects at least one scheduler, but got no scheduler.")
    for (i, scheduler) in schedulers.enumerated() {
      precondition(
        scheduler.optimizer === optimizer,
        "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler at index \(i) "
          + "with a different optimizer.")
    }
    precondition(
      milestones.count == schedulers.count - 1,
      "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone "
        + "points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to "
        + "\(milestones.count)")
    self.optimizer = optimizer
    self.schedulers = schedulers
    self.milestones = milestones
    lastEpoch = 0
    optimizer.learningRates = optimizer.initialLearningRates.map { $0! }
    for scheduler in schedulers { scheduler.lastEpoch -= 1 }
    let first = schedulers[milestones.count { $0 <= 0 }]
    first.initialStep()
    lastLR = first.lastLR
  }

  private func activeIndex(at epoch: Int) -> Int { milestones.count { $0 <= epoch } }

  public func step() {
    lastEpoch += 1
    let index = activeIndex(at: lastEpoch)
    let scheduler = schedulers[index]
    if index > 0 && milestones[index - 1] == lastEpoch {
      scheduler.updateLR(epoch: 0)
    } else {
      scheduler.step()
    }
    lastLR = scheduler.lastLR
  }

  public func stateDict() -> LRSchedulerState {
    LRSchedulerState(
      lastEpoch: lastEpoch, stepCount: lastEpoch, baseLRs: [], lastLR: lastLR, children: schedulers.map { $0.stateDict() })
  }

  public func loadStateDict(_ state: LRSchedulerState) {
    lastEpoch = state.lastEpoch
    lastLR = state.lastLR
    for (scheduler, child) in zip(schedulers, state.children ?? []) { scheduler.loadStateDict(child) }
  }
}
