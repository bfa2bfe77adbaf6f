import ArgumentParser
import Foundation
import Kindling

/// `kindling predict --checkpoint FILE --index I`: one test image as text art, its true label,
/// the prediction and the top-3 probabilities.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Show a test image in the terminal with the network's top-3 predictions.")

  @Option(help: "A checkpoint written by `kindling train`.")
  var checkpoint: String
  @Option(help: "Which test image (0-based).")
  var index: Int = 0
  @Option(help: "Directory holding the IDX files (default: the one the run used).")
  var data: String?

  func run() throws {
    let (settings, model) = try RunCheckpoint.loadModel(from: checkpoint)
    let data = try TrainingData(dataset: settings.dataset, root: data ?? settings.dataRoot)
    guard (0..<data.test.count).contains(index) else {
      throw CLIError("--index must be in 0..<\(data.test.count), but got \(index)")
    }
    let (image, label) = try data.test[index]
    print(textArt(image.to(.float32).scalars(as: Float.self).map { $0 / 255 }, width: image.shape[1], height: image.shape[0]))
    model.eval()
    let probabilities = noGrad { model(settings.model.input(image.unsqueeze(0))).softmax(dim: 1) }.scalars(as: Float.self)
    let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
    print("test image \(index): true label \(label) (\(data.classNames[label])), predicted \(ranked[0]) (\(data.classNames[ranked[0]]))")
    for rank in ranked.prefix(3) {
      print(String(format: "  %5.1f%%  %d ", probabilities[rank] * 100, rank) + data.classNames[rank])
    }
  }
}
