import ArgumentParser
import Foundation
import Kindling

/// `kindling train`: trains a classifier on Fashion-MNIST (or MNIST) and reports each epoch.
///
/// Until the Tensor, Autograd and NN layers exist this trains the smallest model that does:
/// softmax regression (one linear layer) with minibatch SGD, in plain Swift.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a classifier on Fashion-MNIST and report loss and accuracy per epoch."
  )

  @Option(help: "The data set: fashion-mnist or mnist.")
  var dataset: String = "fashion-mnist"

  @Option(help: "Directory holding the IDX files (default: the data set's Debian location).")
  var data: String?

  @Option(help: "Number of passes over the training set.")
  var epochs: Int = 3

  @Option(help: "Examples per SGD step.")
  var batchSize: Int = 64

  @Option(help: "Learning rate.")
  var lr: Double = 0.1

  @Option(help: "Learning-rate schedule: none, step or cosine.")
  var scheduler: String = "none"

  @Option(help: "Seed for the initial weights and the shuffling.")
  var seed: UInt64 = 0

  func validate() throws {
    guard ["fashion-mnist", "mnist"].contains(dataset) else {
      throw ValidationError("Unknown data set '\(dataset)': choose fashion-mnist or mnist.")
    }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, but got \(epochs).") }
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, but got \(batchSize).") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, but got \(lr).") }
    guard schedule != nil else {
      throw ValidationError("Unknown scheduler '\(scheduler)': choose none, step or cosine.")
    }
  }

  var schedule: LearningRateSchedule? {
    switch scheduler {
    case "none": .constant
    case "step": .step(stepSize: max(1, epochs / 3), gamma: 0.1)
    case "cosine": .cosine(maxEpochs: epochs, minimum: 0)
    default: nil
    }
  }

  func run() throws {
    let (train, test, classNames) = try loadData()
    print("Training softmax regression on \(dataset): \(train.count) training and \(test.count) test images, "
      + "\(classNames.count) classes, batch \(batchSize), lr \(lr), \(epochs) epoch\(epochs == 1 ? "" : "s"), seed \(seed)")
    var generator = SplitMix64(seed: seed)
    var model = SoftmaxRegression(inputs: train.pixelsPerImage, classes: classNames.count, generator: &generator)
    var order = Array(0..<train.count)
    var best = 0.0
    print("epoch  train loss  test loss  test acc  time")
    for epoch in 0..<epochs {
      let start = Date()
      let rate = Float(schedule!.learningRate(base: lr, epoch: epoch))
      order.shuffle(using: &generator)
      var trainLoss = 0.0
      var batches = 0
      for first in stride(from: 0, to: order.count, by: batchSize) {
        let batch = order[first..<min(first + batchSize, order.count)]
        trainLoss += Double(model.step(images: train, examples: batch, learningRate: rate))
        batches += 1
      }
      let (testLoss, accuracy) = model.evaluate(test)
      best = max(best, accuracy)
      let elapsed = Date().timeIntervalSince(start)
      print(
        String(
          format: "%5d  %10.4f  %9.4f  %7.2f%%  %.1fs", epoch + 1, trainLoss / Double(batches), testLoss,
          accuracy * 100, elapsed))
    }
    print(String(format: "best test accuracy: %.2f%%", best * 100))
  }

  private func loadData() throws -> (train: ImageSet, test: ImageSet, classes: [String]) {
    func convert(images: IDXArray, labels: IDXArray) -> ImageSet {
      let pixelsPerImage = images.shape.dropFirst().reduce(1, *)
      let bytes = images.scalars(as: UInt8.self)
      return ImageSet(
        count: images.shape[0], pixelsPerImage: pixelsPerImage, pixels: bytes.map { Float($0) / 255 },
        labels: labels.scalars(as: UInt8.self).map(Int.init))
    }
    if dataset == "mnist" {
      let root = data ?? MNIST.defaultRoot
      let train = try MNIST(root: root, train: true)
      let test = try MNIST(root: root, train: false)
      return (
        convert(images: train.images, labels: train.labels), convert(images: test.images, labels: test.labels),
        MNIST.classNames
      )
    }
    let root = data ?? FashionMNIST.defaultRoot
    let train = try FashionMNIST(root: root, train: true)
    let test = try FashionMNIST(root: root, train: false)
    return (
      convert(images: train.images, labels: train.labels), convert(images: test.images, labels: test.labels),
      FashionMNIST.classNames
    )
  }
}
