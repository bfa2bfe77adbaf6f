import KindlingTensor
import Testing

@testable import KindlingAutograd

/// `Tensor.thresholdBackward` (relu's fused gradient) against PyTorch's
/// `torch.ops.aten.threshold_backward`.
@Suite struct ThresholdBackwardTests {
  let gradValues: [Double] = [1, 2, 3, 4, 5]
  let inputValues: [Double] = [-1, 0, 0.5, .nan, 2]

  @Test("passes the gradient where the input is above the threshold; NaN inputs pass it too")
  func values() {
    for dtype in [DType.float32, .float64] {
      let g = Tensor(gradValues, dtype: dtype), x = Tensor(inputValues, dtype: dtype)
      // torch.ops.aten.threshold_backward(g, x, 0.0) and (g, x, 0.5)
      #expect(Tensor.thresholdBackward(g, x, threshold: 0).scalars(as: Double.self) == [0, 0, 3, 4, 5])
      #expect(Tensor.thresholdBackward(g, x, threshold: 0.5).scalars(as: Double.self) == [0, 0, 0, 4, 5])
    }
  }

  @Test("a long float32 run (relu's C loop, threshold 0) gives the float64 results, -0.0 and NaN included")
  func vectorLoop() {
    let specials: [Double] = [-0.0, 0, .nan, -.infinity, .infinity, -1e-40, 1e-40]
    let inputs = (0..<1003).map { i in i % 10 < specials.count ? specials[i % 10] : Double(i % 13) - 6.5 }
    let grads = (0..<1003).map { Double($0) + 0.25 }
    let x = Tensor(inputs, dtype: .float32), g = Tensor(grads, dtype: .float32)
    let got = Tensor.thresholdBackward(g, x, threshold: 0).scalars(as: Float.self)
    let want = Tensor.thresholdBackward(g.to(.float64), x.to(.float64), threshold: 0).scalars(as: Double.self)
    #expect(got.map(Double.init) == want)
    // A subnormal float32 input above 0 passes the gradient; -1e-40 (a negative subnormal) does not.
    #expect(got[6] == Float(grads[6]) && got[5] == 0)
  }

  @Test("strided, broadcast and mixed-dtype operands give the same values")
  func otherLayouts() {
    let x = Tensor(inputValues, dtype: .float64)
    let g = Tensor([[1.0, 2], [3, 4], [5, 6]], dtype: .float64).t()[0]  // [1, 3, 5], strided
    #expect(!g.isContiguous)
    let x3 = Tensor([-1.0, 0.5, .nan], dtype: .float64)
    // torch.ops.aten.threshold_backward(torch.tensor([[1., 2], [3, 4], [5, 6]]).t()[0], x3, 0.0)
    #expect(Tensor.thresholdBackward(g, x3, threshold: 0).scalars(as: Double.self) == [0, 3, 5])
    let broadcast = Tensor.thresholdBackward(Tensor(2.0, dtype: .float64), x, threshold: 0)
    #expect(broadcast.scalars(as: Double.self) == [0, 0, 2, 2, 2])
    // torch.ops.aten.threshold_backward(float32 grad, float64 input, 0.0).dtype == torch.float64
    let mixed = Tensor.thresholdBackward(Tensor(gradValues, dtype: .float32), x, threshold: 0)
    #expect(mixed.dtype == .float64)
    #expect(mixed.scalars(as: Double.self) == [0, 0, 3, 4, 5])
  }

  @Test("relu's second derivative flows through the fused gradient")
  func doubleBackward() {
    let x = Tensor([-1.5, 0.5, 2.0], dtype: .float64, requiresGrad: true)
    let y = x.relu()
    let gy = Tensor([1.0, 2.0, 3.0], dtype: .float64, requiresGrad: true)
    let gx = KindlingAutograd.grad(outputs: [y], inputs: [x], gradOutputs: [gy], createGraph: true)[0]!
    #expect(gx.scalars(as: Double.self) == [0, 2, 3])
    #expect(gx.gradFn?.name == "ThresholdBackwardBackward0")
    let ggy = KindlingAutograd.grad(outputs: [gx.sum()], inputs: [gy])[0]!
    #expect(ggy.scalars(as: Double.self) == [0, 1, 1])
  }
}
