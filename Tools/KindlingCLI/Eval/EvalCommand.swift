import ArgumentParser
import Foundation
import Kindling

/// `kindling eval --checkpoint FILE`: test accuracy, per-class accuracy and the confusion matrix
/// of a trained network.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval", abstract: "Evaluate a checkpoint on the test set: accuracy per class and a confusion matrix.")

  @Option(help: "A checkpoint written by `kindling train`.")
  var checkpoint: String
  @Option(help: "Directory holding the IDX files (default: the one the run used).")
  var data: String?

  func run() throws {
    let (settings, model) = try RunCheckpoint.loadModel(from: checkpoint)
    let data = try TrainingData(dataset: settings.dataset, root: data ?? settings.dataRoot)
    let matrix = confusionMatrix(model: model, kind: settings.model, data: data)
    print("\(settings.model.rawValue) on the \(settings.dataset) test set (\(matrix.total) images)")
    print(String(format: "test accuracy: %.2f%%", matrix.accuracy * 100))
    print("\nper-class accuracy:")
    for (index, accuracy) in matrix.perClassAccuracy.enumerated() {
      let name = data.classNames[index].padding(toLength: 12, withPad: " ", startingAt: 0)
      print("  \(index) \(name) " + String(format: "%6.2f%%", accuracy * 100))
    }
    print("\nconfusion matrix (rows: true class, columns: predicted class):")
    print(matrix.table)
  }
}

/// Predictions of `model` over the whole test split, counted by (true, predicted) class.
func confusionMatrix(model: Module, kind: ModelKind, data: TrainingData) -> ConfusionMatrix {
  var matrix = ConfusionMatrix(classNames: data.classNames)
  let (images, labels) = data.testTensors
  model.eval()
  noGrad {
    for first in stride(from: 0, to: labels.count, by: 1000) {
      let range = first..<min(first + 1000, labels.count)
      let predictions = model(kind.input(images[range])).argmax(dim: 1).scalars(as: Int64.self)
      for (label, prediction) in zip(labels[range].scalars(as: Int64.self), predictions) {
        matrix.add(label: Int(label), prediction: Int(prediction))
      }
    }
  }
  return matrix
}
