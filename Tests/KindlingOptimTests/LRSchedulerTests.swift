import Foundation
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

@Suite("Learning-rate schedulers against PyTorch")
struct LRSchedulerTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      let scheduler: String
      let config: [String: OptionValue]
      let groups: [Double]
      let optimizer: String
      let lrs: [[Double]]
      let momenta: [[Double]]?
      let metrics: [Double]?
    }
    let cases: [Case]
  }

  struct Run {
    let optimizer: any Optimizer
    let step: (Int) -> Void
    let lastLR: () -> [Double]
  }

  func build(_ c: Fixture.Case) -> Run {
    let groups = c.groups.map { ParamGroup(params: [Tensor.zeros([1], requiresGrad: true)], lr: $0) }
    let optimizer: any Optimizer =
      c.optimizer == "SGD" ? SGD(groups, lr: c.groups[0], momentum: 0.9) : Adam(groups, lr: c.groups[0])
    let o = c.config
    func number(_ key: String) -> Double { o.number(key)! }
    func plain(_ s: LRScheduler) -> Run { Run(optimizer: optimizer, step: { _ in s.step() }, lastLR: { s.lastLR }) }
    switch c.scheduler {
    case "StepLR": return plain(StepLR(optimizer, stepSize: Int(number("stepSize")), gamma: number("gamma")))
    case "MultiStepLR":
      guard case .list(let milestones)? = o["milestones"] else { fatalError() }
      return plain(MultiStepLR(optimizer, milestones: milestones.map { Int($0) }, gamma: number("gamma")))
    case "ExponentialLR": return plain(ExponentialLR(optimizer, gamma: number("gamma")))
    case "CosineAnnealingLR": return plain(CosineAnnealingLR(optimizer, tMax: Int(number("tMax")), etaMin: number("etaMin")))
    case "LinearLR":
      return plain(
        LinearLR(optimizer, startFactor: number("startFactor"), endFactor: number("endFactor"),
          totalIters: Int(number("totalIters"))))
    case "OneCycleLR":
      guard case .list(let maxLR)? = o["maxLR"] else { fatalError() }
      return plain(
        OneCycleLR(
          optimizer, maxLR: maxLR, totalSteps: Int(number("totalSteps")), pctStart: o.number("pctStart") ?? 0.3,
          annealStrategy: OneCycleLR.AnnealStrategy(rawValue: o.text("annealStrategy")!)!,
          cycleMomentum: o.flag("cycleMomentum") ?? true, divFactor: o.number("divFactor") ?? 25,
          finalDivFactor: o.number("finalDivFactor") ?? 1e4, threePhase: o.flag("threePhase") ?? false))
    case "ReduceLROnPlateau":
      let s = ReduceLROnPlateau(
        optimizer, mode: ReduceLROnPlateau.Mode(rawValue: o.text("mode")!)!,
        factor: number("factor"), patience: Int(number("patience")), threshold: number("threshold"),
        thresholdMode: ReduceLROnPlateau.ThresholdMode(rawValue: o.text("thresholdMode")!)!, cooldown: Int(number("cooldown")), minLR: [number("minLR")], eps: number("eps"))
      return Run(optimizer: optimizer, step: { s.step(c.metrics![$0]) }, lastLR: { s.lastLR })
    case "SequentialLR":
      let warmup = LinearLR(optimizer, startFactor: o.number("gamma") == nil ? 0.1 : 0.5, endFactor: 1, totalIters: Int(number("warmupIters")))
      let decay: LRScheduler =
        o.number("gamma").map { ExponentialLR(optimizer, gamma: $0) } ?? CosineAnnealingLR(optimizer, tMax: Int(number("tMax")))
      let s = SequentialLR(optimizer, schedulers: [warmup, decay], milestones: [Int(number("milestone"))])
      return Run(optimizer: optimizer, step: { _ in s.step() }, lastLR: { s.lastLR })
    default: fatalError("unknown scheduler \(c.scheduler)")
    }
  }

  @Test("every scheduler gives PyTorch's get_last_lr() sequence (and OneCycleLR its momenta) within 1e-12")
  func matchesPyTorch() throws {
    let fixture = try loadFixture("lr_schedulers.json", as: Fixture.self)
    #expect(fixture.cases.count >= 24)
    for c in fixture.cases {
      let run = build(c)
      for (i, expected) in c.lrs.enumerated() {
        let actual = run.lastLR()
        let ok = zip(actual, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) } && actual.count == expected.count
        #expect(ok, "\(c.scheduler) \(c.config.keys.sorted()) step \(i): \(actual) vs \(expected)")
        if let momenta = c.momenta?[i] {
          let got = run.optimizer.cyclicMomenta.map { $0! }
          #expect(zip(got, momenta).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(c.scheduler) momentum step \(i): \(got) vs \(momenta)")
        }
        run.step(i)
      }
    }
  }
}
