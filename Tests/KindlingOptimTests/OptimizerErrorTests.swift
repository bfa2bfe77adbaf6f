import Foundation
import KindlingTensor
import Testing

@testable import KindlingOptim

@Suite("Optimizer misuse stops with PyTorch's messages")
struct OptimizerErrorTests {
  @Test("a negative learning rate, a beta of 1 and Nesterov without momentum are refused")
  func invalidOptions() async {
    let lr = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = SGD([Tensor([1.0], requiresGrad: true)], lr: -1.0)
    }
    let lrText = String(decoding: lr?.standardErrorContent ?? [], as: UTF8.self)
    #expect(lrText.contains("Invalid learning rate: -1.0"))
    let beta = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Adam([Tensor([1.0], requiresGrad: true)], betas: (1.0, 0.999))
    }
    let betaText = String(decoding: beta?.standardErrorContent ?? [], as: UTF8.self)
    #expect(betaText.contains("Invalid beta parameter at index 0: 1.0"))
    let nesterov = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = SGD([Tensor([1.0], requiresGrad: true)], lr: 0.1, nesterov: true)
    }
    let nesterovText = String(decoding: nesterov?.standardErrorContent ?? [], as: UTF8.self)
    #expect(nesterovText.contains("Nesterov momentum requires a momentum and zero dampening"))
  }

  @Test("schedulers resume from a saved state: the rates continue as without the interruption")
  func schedulerResume() throws {
    func make() -> (SGD, SequentialLR) {
      let optimizer = SGD([Tensor([1.0], requiresGrad: true)], lr: 0.1, momentum: 0.9)
      let warmup = LinearLR(optimizer, startFactor: 0.1, totalIters: 5)
      let decay = CosineAnnealingLR(optimizer, tMax: 20)
      return (optimizer, SequentialLR(optimizer, schedulers: [warmup, decay], milestones: [5]))
    }
    let (_, straight) = make()
    var expected: [[Double]] = []
    for _ in 0..<30 {
      straight.step()
      expected.append(straight.lastLR)
    }
    let (optimizer, first) = make()
    for _ in 0..<12 { first.step() }
    let optimizerState = optimizer.stateDict()
    let json = try JSONEncoder().encode(first.stateDict())
    let (resumedOptimizer, resumed) = make()
    try resumedOptimizer.loadStateDict(optimizerState)
    resumed.loadStateDict(try JSONDecoder().decode(LRSchedulerState.self, from: json))
    var got = Array(expected.prefix(12))
    for _ in 12..<30 {
      resumed.step()
      got.append(resumed.lastLR)
    }
    #expect(got == expected)
  }
}
