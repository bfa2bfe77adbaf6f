import Foundation
import KindlingTestSupport
import Testing

@testable import Kindling

/// The training loop of README.md, verbatim between the markers, so the README cannot drift
/// from the code. It trains on the real Fashion-MNIST (installed by `make deps`).
@Suite("README example", .isolatedRandomness)
struct ReadmeExampleTests {
  @Test(
    "the README's training loop trains an MLP on Fashion-MNIST and saves it",
    .enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.defaultRoot)))
  func readmeExample() throws {
    var printed: [String] = []
    func print(_ line: String) { printed.append(line) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    FileManager.default.changeCurrentDirectoryPath(directory.path)
    // --- README begins ---
    manualSeed(0)
    let train = try FashionMNIST(train: true), test = try FashionMNIST(train: false)
    let loader = DataLoader(train, batchSize: 64, shuffle: true)
    let model = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
    let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)

    for epoch in 1...1 {
      model.train()
      try loader.forEach { images, labels in
        let loss = crossEntropy(model(images.to(.float32) / 255), labels)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
      }
      model.eval()
      let (images, labels) = test.tensors
      let predictions = noGrad { model(images.to(.float32) / 255).argmax(dim: 1) }
      let accuracy = predictions.eq(labels).to(.float32).mean().item()
      print("epoch \(epoch): test accuracy \(accuracy)")
    }
    try SafeTensors.save(model.stateDict(), to: "mlp.safetensors")
    // --- README ends ---
    #expect(printed.count == 1)
    let accuracy = Double(printed[0].split(separator: " ").last!)!
    #expect(accuracy > 0.8)
    let reloaded = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
    try reloaded.loadStateDict(SafeTensors.load(from: directory.appendingPathComponent("mlp.safetensors").path).tensors)
    #expect(reloaded.stateDict().keys == model.stateDict().keys)
  }
}
