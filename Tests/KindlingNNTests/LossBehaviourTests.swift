import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingNN

@Suite("Losses: paths, modules and double backward", .isolatedRandomness)
struct LossBehaviourTests {
  @Test("the fused cross-entropy equals the composed logSoftmax + nllLoss on the same values")
  func fusedMatchesComposed() throws {
    manualSeed(3)
    let scores = Tensor.randn([6, 5], dtype: .float64)
    let labels = Tensor([4, 0, -100, 2, 2, 1])
    let weight = Tensor([0.5, 1.0, 2.0, 1.5, 0.7]).to(.float64)
    for reduction in Reduction.allCases {
      let fusedInput = scores.clone()
      fusedInput.requiresGrad = true
      // A transposed copy is not contiguous, so it takes the composed path.
      let composedInput = scores.t().contiguous().clone()
      composedInput.requiresGrad = true
      let fused = crossEntropy(fusedInput, labels, weight: weight, reduction: reduction)
      let composed = crossEntropy(composedInput.t(), labels, weight: weight, reduction: reduction)
      #expect(fused.gradFn?.name == "NllLossBackward0")
      // PyTorch's graph: NllLossBackward0 after LogSoftmaxBackward0; the fused node is both.
      #expect(composed.gradFn?.name == "NllLossBackward0")
      #expect((composed.gradFn as? GraphNode)?.edges[0]?.name == "LogSoftmaxBackward0")
      #expect(maxDifference(fused, composed) < 1e-12)
      let upstream = Tensor.randn(fused.shape, dtype: .float64)
      let g1 = grad(outputs: [fused], inputs: [fusedInput], gradOutputs: [upstream])[0]!
      let g2 = grad(outputs: [composed], inputs: [composedInput], gradOutputs: [upstream])[0]!
      #expect(maxDifference(g1, g2.t()) < 1e-12)
      // The ignored row gets no gradient.
      #expect(g1[2].abs().sum().item() == 0)
    }
  }

  @Test("losses with their own backward written with tensor ops pass gradgradcheck")
  func doubleBackward() throws {
    manualSeed(5)
    let x = Tensor.randn([2, 3], dtype: .float64, requiresGrad: true)
    let y = Tensor.randn([2, 3], dtype: .float64, requiresGrad: true)
    let p = (Tensor.rand([2, 3], dtype: .float64) * 0.8 + 0.1).detach()
    p.requiresGrad = true
    let q = Tensor.rand([2, 3], dtype: .float64)
    try gradgradcheck({ mseLoss($0[0], $0[1]) }, [x, y])
    try gradgradcheck({ smoothL1Loss($0[0], $0[1], beta: 0.7) }, [x, y])
    try gradgradcheck({ huberLoss($0[0], $0[1], delta: 0.4) }, [x, y])
    try gradgradcheck({ binaryCrossEntropy($0[0], q) }, [p])
    try gradgradcheck({ binaryCrossEntropyWithLogits($0[0], q, posWeight: Tensor([1.0, 2.0, 3.0]).to(.float64)) }, [x])
    let logp = x.logSoftmax(dim: 1).detach()
    logp.requiresGrad = true
    try gradgradcheck(
      { nllLoss($0[0].logSoftmax(dim: 1), Tensor([2, 0]), weight: Tensor([1.0, 2.0, 0.5]).to(.float64)) }, [logp])
    // Not contiguous: the composed path, whose double backward works.
    try gradgradcheck({ crossEntropy($0[0].t(), Tensor([1, 2])) }, [y.t().contiguous().detach().requiringGrad()])
  }

  @Test("loss modules call their functions with their options, keep weights as buffers and print like PyTorch's")
  func modules() {
    manualSeed(1)
    let logits = Tensor.randn([4, 3]), labels = Tensor([0, 2, 1, 1])
    let criterion = CrossEntropyLoss(ignoreIndex: 1, reduction: .sum, labelSmoothing: 0.1)
    #expect(
      criterion(logits, labels).equal(
        crossEntropy(logits, labels, ignoreIndex: 1, reduction: .sum, labelSmoothing: 0.1)))
    #expect("\(criterion)" == "CrossEntropyLoss()")
    #expect(MSELoss(reduction: .sum)(logits, logits * 2).equal(logits.square().sum()))
    #expect(KLDivLoss(reduction: .batchMean)(logits.logSoftmax(dim: 1), logits.softmax(dim: 1)).item().magnitude < 1e-6)
    #expect(MarginRankingLoss(margin: 1)(Tensor([0.0]), Tensor([0.0]), Tensor([1.0])).item() == 1)
    // Class weights are buffers, as in PyTorch (state-dict keys "weight" and "pos_weight").
    let weighted = BCEWithLogitsLoss(weight: Tensor([1.0, 2.0]), posWeight: Tensor([3.0, 1.0]))
    #expect(weighted.stateDict().keys == ["weight", "pos_weight"])
    #expect(weighted.parameters().isEmpty)
    #expect("\(weighted)" == "BCEWithLogitsLoss()")
  }

  @Test("nllLoss and crossEntropy stop with PyTorch's messages on bad targets")
  func classTargetErrors() async {
    let batch = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = crossEntropy(Tensor.randn([3, 4]), Tensor([0, 1, 2, 3]))
    }
    expectStderr(batch, "Expected input batch_size (3) to match target batch_size (4).")
    let bounds = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = crossEntropy(Tensor.randn([3, 4]), Tensor([0, 1, 7]))
    }
    expectStderr(bounds, "Target 7 is out of bounds.")
    let weight = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = nllLoss(Tensor.randn([3, 4]), Tensor([0, 1, 2]), weight: Tensor.ones([3]))
    }
    expectStderr(
      weight,
      "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]")
  }

  @Test("regression losses stop where PyTorch would warn and broadcast")
  func sizeMismatch() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = mseLoss(Tensor.randn([3, 1]), Tensor.randn([3]))
    }
    expectStderr(
      result, "mse_loss: Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1]))"
    )
  }
}

/// Checks that a stopped child process wrote `message` to stderr.
private func expectStderr(
  _ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let stderr = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
  #expect(stderr.contains(message), "stderr: \(stderr)", sourceLocation: sourceLocation)
}

private func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
  #expect(a.shape == b.shape)
  return (a - b).abs().max().item()
}

extension Tensor {
  fileprivate func requiringGrad() -> Tensor {
    requiresGrad = true
    return self
  }
}
