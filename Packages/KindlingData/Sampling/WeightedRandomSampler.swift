import KindlingTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Indices drawn with probabilities proportional to `weights` (`WeightedRandomSampler`), by
/// PyTorch's `torch.multinomial` algorithm on float64 weights, so a seed gives PyTorch's draws:
/// with replacement, a binary search of each 53-bit uniform in the normalized cumulative
/// weights; without replacement (or for one sample), the `numSamples` largest
/// `weight / Exp(1)` ratios, largest first.
///
/// ```swift
/// let sampler = WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], numSamples: 5, generator: Generator(seed: 0))
/// sampler.makeIndices()   // mostly 4s
/// ```
public struct WeightedRandomSampler: Sampler {
  /// The weights, not necessarily adding up to 1.
  public let weights: [Double]
  /// Indices per epoch.
  public let numSamples: Int
  /// Whether an index may come more than once.
  public let replacement: Bool
  /// The generator drawn from (`Generator.default` when `nil`).
  public let generator: Generator?

  /// Draws `numSamples` indices of `weights`.
  ///
  /// - Precondition: `numSamples > 0`; weights finite, not negative, with a positive sum; without
  ///   replacement, no more samples than positive weights (PyTorch's errors).
  public init(_ weights: [Double], numSamples: Int, replacement: Bool = true, generator: Generator? = nil) {
    precondition(
      numSamples > 0,
      "WeightedRandomSampler: num_samples should be a positive integer value, but got num_samples=\(numSamples)")
    precondition(!weights.isEmpty, "multinomial: prob_dist cannot be empty")
    precondition(
      weights.allSatisfy { $0 >= 0 }, "multinomial: invalid multinomial distribution (encountering probability entry < 0)")
    precondition(
      weights.allSatisfy(\.isFinite),
      "multinomial: invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    precondition(weights.reduce(0, +) > 0, "multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    precondition(
      replacement || numSamples <= weights.count,
      "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    precondition(
      replacement || numSamples <= weights.count(where: { $0 > 0 }),
      "multinomial: invalid multinomial distribution (with replacement=False, not enough non-negative category to "
        + "sample)")
    self.weights = weights
    self.numSamples = numSamples
    self.replacement = replacement
    self.generator = generator
  }

  public var count: Int { numSamples }

  public func makeIndices() -> [Int] {
    let generator = self.generator ?? .default
    var uniforms = [Double](repeating: 0, count: !replacement || numSamples == 1 ? weights.count : numSamples)
    uniforms.withUnsafeMutableBufferPointer { generator.fillUniform($0) }
    if !replacement || numSamples == 1 {
      // Gumbel-style: q ~ Exp(1) is -log1p(-u) (PyTorch's exponential_), then top-k of w / q.
      let ratios = zip(weights, uniforms).map { weight, u in weight / -log1p(-u) }
      let order = ratios.indices.sorted { ratios[$0] > ratios[$1] || (ratios[$0] == ratios[$1] && $0 < $1) }
      return Array(order.prefix(numSamples))
    }
    let sum = weights.reduce(0, +)
    var cumulative = [Double](repeating: 0, count: weights.count)
    var running = 0.0
    for (i, weight) in weights.enumerated() {
      running += weight
      cumulative[i] = running / sum
    }
    cumulative[cumulative.count - 1] = 1
    return uniforms.map { u in
      var low = 0, high = cumulative.count
      while high > low {
        let mid = low + (high - low) / 2
        if cumulative[mid] < u { low = mid + 1 } else { high = mid }
      }
      return low
    }
  }
}
