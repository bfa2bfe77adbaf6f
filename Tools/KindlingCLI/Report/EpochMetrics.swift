import Foundation

/// What `kindling train` measures after each epoch.
struct EpochMetrics: Codable, Equatable {
  var epoch: Int
  var trainLoss: Double
  var testLoss: Double
  var testAccuracy: Double
  var learningRate: Double
  var seconds: Double
  var samplesPerSecond: Double

  static let csvHeader = "epoch,train_loss,test_loss,test_accuracy,learning_rate,seconds,samples_per_second"

  var csvRow: String {
    "\(epoch),\(trainLoss),\(testLoss),\(testAccuracy),\(learningRate),\(seconds),\(samplesPerSecond)"
  }

  /// `metrics.csv`: a header and one row per epoch.
  static func csv(_ epochs: [EpochMetrics]) -> String {
    ([csvHeader] + epochs.map(\.csvRow)).joined(separator: "\n") + "\n"
  }

  /// The end-of-run table printed to the terminal.
  static func summaryTable(_ epochs: [EpochMetrics]) -> String {
    var lines = ["epoch  train loss  test loss  test acc   time  samples/s"]
    for m in epochs {
      lines.append(
        String(
          format: "%5d  %10.4f  %9.4f  %7.2f%%  %5.1fs  %9.0f", m.epoch, m.trainLoss, m.testLoss, m.testAccuracy * 100,
          m.seconds, m.samplesPerSecond))
    }
    return lines.joined(separator: "\n")
  }
}
