import KindlingTestSupport
import Testing

@testable import KindlingNN

/// Logistic regression written with bare tensors and autograd (the first README example).
@Suite("Logistic regression with autograd", .isolatedRandomness)
struct LogisticRegressionTests {
  @Test("logistic regression learns to separate two blobs")
  func readmeExample() {
    var printed: [String] = []
    func print(_ line: String) { printed.append(line) }
    manualSeed(0)
    // Two clouds of 100 points in 2-D, labelled 0 and 1.
    let x = Tensor.cat([Tensor.randn([100, 2]) - 2, Tensor.randn([100, 2]) + 2], dim: 0)
    let y = Tensor.cat([Tensor.zeros([100]), Tensor.ones([100])], dim: 0)

    let w = Tensor.zeros([2], requiresGrad: true)
    let b = Tensor.zeros([1], requiresGrad: true)
    for step in 1...100 {
      let loss = binaryCrossEntropyWithLogits(x.matmul(w) + b, y)
      loss.backward()  // fills w.grad and b.grad
      noGrad {
        w.sub_(w.grad! * 0.5)
        b.sub_(b.grad! * 0.5)
      }
      w.grad = nil
      b.grad = nil
      if step % 25 == 0 { print("step \(step): loss \(loss.item())") }
    }
    let predictions = x.matmul(w) + b .> 0
    let accuracy = (predictions .== (y .> 0.5)).to(.float32).mean().item()
    print("accuracy \(accuracy)")
    #expect(printed.count == 5)
    #expect(accuracy > 0.95)
  }
}
