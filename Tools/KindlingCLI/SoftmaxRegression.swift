import Foundation

/// A softmax-regression classifier (one linear layer, cross-entropy loss, minibatch SGD) in plain
/// Swift loops: the stand-in `kindling train` runs until `Tensor`, autograd and the NN layers
/// exist (see the README's status line). It trains on the real data set end to end.
struct SoftmaxRegression {
  let inputs: Int
  let classes: Int
  /// Weights, `classes × inputs`, row-major.
  var weight: [Float]
  var bias: [Float]

  /// Starts from PyTorch's default `nn.Linear` range: uniform in ±1/√inputs.
  init(inputs: Int, classes: Int, generator: inout SplitMix64) {
    self.inputs = inputs
    self.classes = classes
    let bound = 1 / Float(inputs).squareRoot()
    weight = (0..<classes * inputs).map { _ in Float.random(in: -bound..<bound, using: &generator) }
    bias = (0..<classes).map { _ in Float.random(in: -bound..<bound, using: &generator) }
  }

  /// Writes the class probabilities for one example into `probabilities` and returns the loss
  /// `-log p[label]`.
  func forward(_ x: UnsafeBufferPointer<Float>, label: Int, into probabilities: inout [Float]) -> Float {
    weight.withUnsafeBufferPointer { w in
      for c in 0..<classes {
        var sum = bias[c]
        let row = c * inputs
        for i in 0..<inputs { sum += w[row + i] * x[i] }
        probabilities[c] = sum
      }
    }
    let top = probabilities.max()!
    var total: Float = 0
    for c in 0..<classes {
      probabilities[c] = exp(probabilities[c] - top)
      total += probabilities[c]
    }
    for c in 0..<classes { probabilities[c] /= total }
    return -log(max(probabilities[label], .leastNormalMagnitude))
  }

  /// One SGD step on a batch: `examples` are indices into `images`.
  mutating func step(images: ImageSet, examples: ArraySlice<Int>, learningRate: Float) -> Float {
    var gradW = [Float](repeating: 0, count: weight.count)
    var gradB = [Float](repeating: 0, count: classes)
    var probabilities = [Float](repeating: 0, count: classes)
    var loss: Float = 0
    for example in examples {
      images.withPixels(of: example) { x in
        loss += forward(x, label: images.labels[example], into: &probabilities)
        probabilities[images.labels[example]] -= 1  // d loss / d logits
        gradW.withUnsafeMutableBufferPointer { g in
          for c in 0..<classes {
            let d = probabilities[c]
            let row = c * inputs
            for i in 0..<inputs { g[row + i] += d * x[i] }
          }
        }
        for c in 0..<classes { gradB[c] += probabilities[c] }
      }
    }
    let scale = learningRate / Float(examples.count)
    for i in weight.indices { weight[i] -= scale * gradW[i] }
    for c in 0..<classes { bias[c] -= scale * gradB[c] }
    return loss / Float(examples.count)
  }

  /// Mean loss and accuracy over a whole set.
  func evaluate(_ images: ImageSet) -> (loss: Double, accuracy: Double) {
    var probabilities = [Float](repeating: 0, count: classes)
    var loss = 0.0
    var correct = 0
    for example in 0..<images.count {
      images.withPixels(of: example) { x in
        loss += Double(forward(x, label: images.labels[example], into: &probabilities))
        if probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) == images.labels[example] {
          correct += 1
        }
      }
    }
    return (loss / Double(images.count), Double(correct) / Double(images.count))
  }
}

/// Images as floats in [0, 1] (PyTorch's `ToTensor()`), with their labels.
struct ImageSet {
  let count: Int
  let pixelsPerImage: Int
  let pixels: [Float]
  let labels: [Int]

  func withPixels<R>(of example: Int, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
    pixels.withUnsafeBufferPointer { all in
      body(UnsafeBufferPointer(rebasing: all[example * pixelsPerImage..<(example + 1) * pixelsPerImage]))
    }
  }
}

/// A small seedable generator (SplitMix64), so that `--seed` makes runs repeat exactly.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
