import KindlingTestSupport
import Testing

@testable import KindlingNN

/// ../shared/SEED_TOUR.md, section T15: a single-layer network with a loss, printed exactly.
@Suite("Seed tour: a single layer with a loss (T15)", .isolatedRandomness)
struct SeedTourNNTests {
  @Test("T15 a single-layer network with a loss")
  func t15() {
    var lines: [String] = []
    func show(_ items: Any...) { lines.append(items.map { "\($0)" }.joined(separator: " ")) }
    manualSeed(0)
    let x = Tensor.ones([5]), yTrue = Tensor.zeros([3])
    let w = Tensor.randn([5, 3], requiresGrad: true), b = Tensor.randn([3], requiresGrad: true)
    var z = x.matmul(w) + b
    let loss = binaryCrossEntropyWithLogits(z, yTrue)
    show(z.gradFn!.name, loss.gradFn!.name)
    loss.backward(); show(w.grad!); show(b.grad!)
    z = noGrad { x.matmul(w) + b }
    show(z.requiresGrad, (x.matmul(w) + b).detach().requiresGrad)
    #expect(
      lines.joined(separator: "\n") == """
        AddBackward0 BinaryCrossEntropyWithLogitsBackward0
        tensor([[0.2661, 0.1179, 0.0027],
                [0.2661, 0.1179, 0.0027],
                [0.2661, 0.1179, 0.0027],
                [0.2661, 0.1179, 0.0027],
                [0.2661, 0.1179, 0.0027]])
        tensor([0.2661, 0.1179, 0.0027])
        false false
        """)
  }
}
