import Foundation
import Kindling

/// One comparison of a device with the CPU: `run` computes the same tensors on both.
struct GPUCheck: Sendable {
  let name: String
  let tolerance: Double
  let run: @Sendable (Device) throws -> [Tensor]

  /// The largest difference between the device's tensors and the CPU's, relative to magnitude
  /// (NaN and infinities must match exactly; a mismatch counts as infinite error).
  func maxError(_ device: Device) throws -> Double {
    manualSeed(1)
    let gpu = try run(device).map { try $0.to(.cpu) }
    manualSeed(1)
    let cpu = try run(.cpu)
    var worst = 0.0
    for (g, c) in zip(gpu, cpu) {
      guard g.shape == c.shape else { return .infinity }
      for (a, b) in zip(g.doubles, c.doubles) {
        if b.isNaN || b.isInfinite {
          if !(a.isNaN && b.isNaN) && a != b { return .infinity }
        } else {
          worst = max(worst, abs(a - b) / max(1, abs(b)))
        }
      }
    }
    return worst
  }
}

/// The checks `kindling gpu check` runs: each op family of the backend, the cuBLAS and
/// fallback products, and a few training steps.
enum GPUChecks {
  static let all: [GPUCheck] = [
    GPUCheck(name: "elementwise, broadcast and strided", tolerance: 1e-5) { d in
      let a = try Tensor.randn([64, 1, 33]).to(d), b = try Tensor.randn([17, 1]).to(d)
      return [(a + b).exp(), (a * b).relu(), a.transpose(0, 2).sigmoid().contiguous(), (a / b).tanh(), a.pow(2) - b]
    },
    GPUCheck(name: "reductions (sum, mean, max with indices)", tolerance: 1e-4) { d in
      let x = try Tensor.randn([300, 2000]).to(d)
      let (values, indices) = x.max(dim: 1)
      return [
        x.sum(), x.mean(dim: 0), values, indices, x.transpose(0, 1).sum(dim: 1),
        try Tensor.randn([5_000_000]).to(d).sum(),
      ]
    },
    GPUCheck(name: "matmul 1024 float32 (cuBLAS on CUDA)", tolerance: 1e-4) { d in
      let a = try Tensor.randn([1024, 1024]).to(d), b = try Tensor.randn([1024, 1024]).to(d)
      return [a.mm(b) / 32, a.t().mm(b) / 32, a.bmm3(b) / 32]
    },
    GPUCheck(name: "matmul float64 and odd shapes", tolerance: 1e-10) { d in
      let a = try Tensor.randn([37, 129]).to(.float64).to(d), b = try Tensor.randn([129, 65]).to(.float64).to(d)
      return [a.mm(b), b.t().mm(a.t())]
    },
    GPUCheck(name: "softmax and cross-entropy with gradients", tolerance: 1e-5) { d in
      let logits = try Tensor.randn([256, 10]).to(d).detach()
      logits.requiresGrad = true
      let loss = crossEntropy(logits, try Tensor.randint(0, 10, [256]).to(d))
      loss.backward()
      return [loss, logits.grad!, logits.softmax(dim: 1)]
    },
    // The weight gradient sums 25,088 products per element in float32: float accumulation in a
    // different order than OpenBLAS's (cuBLAS's, or the tiled kernel's) moves it by ~3e-4.
    GPUCheck(name: "conv2d and max pooling with gradients", tolerance: 1e-3) { d in
      let x = try Tensor.randn([32, 3, 28, 28]).to(d).detach(), w = try Tensor.randn([16, 3, 3, 3]).to(d).detach()
      x.requiresGrad = true
      w.requiresGrad = true
      let y = maxPool2d(conv2d(x, weight: w, padding: 1).relu(), kernelSize: [2])
      (y * y).sum().backward()
      return [y, x.grad!, w.grad!]
    },
    GPUCheck(name: "gather, scatter and where", tolerance: 0) { d in
      let x = try Tensor.randn([50, 40]).to(d), index = try Tensor.randint(0, 40, [50, 7]).to(d)
      return [x.gather(dim: 1, index: index), Tensor.where(x .> 0, x, 0.0), x.scatter(dim: 1, index: index, value: 3)]
    },
    GPUCheck(name: "CNN training: 3 SGD steps at batch 256", tolerance: 1e-3) { d in
      let model = Sequential(
        Conv2d(1, 32, kernelSize: [3]), ReLU(), MaxPool2d(kernelSize: [2]), Flatten(), Linear(32 * 13 * 13, 10))
      try model.to(d)
      let x = try Tensor.randn([256, 1, 28, 28]).to(d), y = try Tensor.randint(0, 10, [256]).to(d)
      let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
      var losses: [Tensor] = []
      for _ in 0..<3 {
        optimizer.zeroGrad()
        let loss = crossEntropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
      }
      return losses + model.parameters()
    },
  ]
}

extension Tensor {
  /// `[2, n, n]` batches of this matrix and `other` multiplied (the batched product's path).
  fileprivate func bmm3(_ other: Tensor) -> Tensor {
    Tensor.stack([self, self.t()]).bmm(Tensor.stack([other, other]))
  }
}
