import Testing

import KindlingTestSupport
@testable import KindlingOptim

@Suite("Learning-rate schedules against PyTorch")
struct LearningRateScheduleTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      let name: String
      let base: Double
      let stepSize: Int?
      let gamma: Double?
      let maxEpochs: Int?
      let minimum: Double?
      let rates: [Double]
    }
    let schedules: [Case]
  }

  @Test("StepLR and CosineAnnealingLR give PyTorch's rates epoch by epoch")
  func matchesPyTorch() throws {
    let fixture = try loadFixture("lr_schedules.json", as: Fixture.self)
    #expect(!fixture.schedules.isEmpty)
    for c in fixture.schedules {
      let schedule: LearningRateSchedule =
        switch c.name {
        case "StepLR": .step(stepSize: c.stepSize!, gamma: c.gamma!)
        case "CosineAnnealingLR": .cosine(maxEpochs: c.maxEpochs!, minimum: c.minimum!)
        default: .constant
        }
      for (epoch, expected) in c.rates.enumerated() {
        let actual = schedule.learningRate(base: c.base, epoch: epoch)
        #expect(abs(actual - expected) <= 1e-12 * max(1, abs(expected)), "\(c.name) epoch \(epoch)")
      }
    }
  }

  @Test("constant stays put")
  func constant() {
    #expect(LearningRateSchedule.constant.learningRate(base: 0.3, epoch: 99) == 0.3)
  }
}
