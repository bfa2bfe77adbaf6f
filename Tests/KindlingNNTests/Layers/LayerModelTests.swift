import KindlingTestSupport
import Testing

@testable import KindlingNN

extension LayerDefaultGeneratorTests {
  /// PyTorch's fixture model: BatchNorm2d → ReLU → Dropout2d → Flatten → Linear → BatchNorm1d →
  /// GELU → Dropout → Linear → LogSoftmax.
  static func makeModel() -> Sequential {
    Sequential(
      BatchNorm2d(3), ReLU(), Dropout2d(p: 0.25), Flatten(), Linear(12, 8), BatchNorm1d(8), GELU(), Dropout(p: 0.5),
      Linear(8, 4), LogSoftmax(dim: 1))
  }

  @Test("a small network mixing the layers prints and names its state as PyTorch")
  func printout() throws {
    let expected = try LayersFixture.load().model[0]
    let model = Self.makeModel()
    #expect(model.description == expected.text)
    #expect(model.stateDict().keys == expected.stateKeys)
  }

  @Test("train() and eval() reach every layer of the network and switch dropout and batch norm")
  func modes() {
    let model = Self.makeModel()
    let x = Tensor.randn([6, 3, 2, 2])
    #expect(model.modules().allSatisfy { $0.isTraining })
    let bn = model.children()[0] as! BatchNorm2d
    let first = model(x), second = model(x)
    #expect(bn.numBatchesTracked!.item() == 2)
    #expect((first - second).abs().max().item() > 0)  // fresh dropout masks each call
    let runningMean = bn.runningMean!.clone()
    model.eval()
    #expect(model.modules().allSatisfy { !$0.isTraining })
    let a = model(x), b = model(x)
    #expect((a - b).abs().max().item() == 0)  // no dropout, running statistics
    #expect(bn.numBatchesTracked!.item() == 2)
    #expect(bn.runningMean!.scalars(as: Float.self) == runningMean.scalars(as: Float.self))
    // Evaluation normalizes with the running statistics: a one-sample batch works and equals
    // the same row inside a larger batch.
    let single = model(x.narrow(dim: 0, start: 0, length: 1))
    #expect((single - a.narrow(dim: 0, start: 0, length: 1)).abs().max().item() < 1e-5)
    model.train()
    #expect(model.modules().allSatisfy { $0.isTraining })
    let loss = model(x).mean()
    loss.backward()
    #expect(model.parameters().allSatisfy { $0.grad != nil })
  }
}
