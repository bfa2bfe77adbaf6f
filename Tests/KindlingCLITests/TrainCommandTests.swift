import ArgumentParser
import Testing

@testable import KindlingCLI

@Suite("kindling train")
struct TrainCommandTests {
  @Test("bad options stop with a message naming the option")
  func validation() {
    for (arguments, message) in [
      (["--epochs", "0"], "--epochs must be at least 1"),
      (["--batch-size=-1"], "--batch-size must be at least 1"),
      (["--dataset", "cifar"], "Unknown data set 'cifar'"),
      (["--scheduler", "linear"], "Unknown scheduler 'linear'"),
      (["--lr", "0"], "--lr must be a positive number"),
    ] {
      do {
        _ = try TrainCommand.parse(arguments)
        Issue.record("\(arguments) should have been refused")
      } catch {
        #expect(TrainCommand.message(for: error).contains(message), "\(arguments)")
      }
    }
  }

  @Test("the defaults parse")
  func defaults() throws {
    let command = try TrainCommand.parse([])
    #expect(command.epochs == 3 && command.batchSize == 64 && command.dataset == "fashion-mnist")
  }

  @Test("softmax regression learns a separable problem and its loss falls")
  func learns() {
    // Two classes in 4 pixels: class 0 lights pixels 0-1, class 1 pixels 2-3, with noise.
    var generator = SplitMix64(seed: 1)
    var pixels: [Float] = []
    var labels: [Int] = []
    for i in 0..<200 {
      let label = i % 2
      for p in 0..<4 {
        let on = (p / 2 == label) ? Float(0.8) : Float(0.1)
        pixels.append(on + Float.random(in: -0.1...0.1, using: &generator))
      }
      labels.append(label)
    }
    let set = ImageSet(count: 200, pixelsPerImage: 4, pixels: pixels, labels: labels)
    var model = SoftmaxRegression(inputs: 4, classes: 2, generator: &generator)
    let before = model.evaluate(set)
    for epoch in 0..<30 {
      for first in stride(from: 0, to: 200, by: 20) {
        _ = model.step(images: set, examples: Array(0..<200)[first..<first + 20], learningRate: 0.5)
      }
      _ = epoch
    }
    let after = model.evaluate(set)
    #expect(after.loss < before.loss / 2)
    #expect(after.accuracy == 1)
  }

  @Test("the same seed gives the same generator stream")
  func seeding() {
    var a = SplitMix64(seed: 7)
    var b = SplitMix64(seed: 7)
    #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    var c = SplitMix64(seed: 0)
    #expect(c.next() == 0xE220_A839_7B1D_CDAF)  // SplitMix64's published first output for seed 0
  }
}
