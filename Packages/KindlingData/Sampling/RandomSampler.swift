import KindlingTensor

/// Indices in random order (`torch.utils.data.RandomSampler`): a permutation of the data set
/// (or several, then a cut one, when ``numSamples`` exceeds it), or, with replacement, uniform
/// draws in chunks of 32.
///
/// For the same seed the order equals PyTorch's: with a `generator`, PyTorch's sampler given
/// `torch.Generator().manual_seed(seed)`; without one, each epoch first draws a seed from the
/// default generator (`Generator.default`) and shuffles with a fresh generator of that seed,
/// as PyTorch does.
///
/// ```swift
/// let sampler = RandomSampler(count: 10, generator: Generator(seed: 0))
/// sampler.makeIndices()   // [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
/// RandomSampler(count: 5, replacement: true, numSamples: 8).makeIndices()   // 8 draws from 0..<5
/// ```
public struct RandomSampler: Sampler {
  /// The size of the data set sampled from.
  public let sourceCount: Int
  /// Whether an index may come more than once.
  public let replacement: Bool
  /// Indices per epoch: the data set's size unless given.
  public let numSamples: Int
  /// The generator shuffled with; `nil` means a fresh one per epoch seeded from `Generator.default`.
  public let generator: Generator?

  /// Samples `0..<count`.
  ///
  /// - Precondition: `numSamples`, when given, is positive (PyTorch's `ValueError`).
  public init(count: Int, replacement: Bool = false, numSamples: Int? = nil, generator: Generator? = nil) {
    precondition(count >= 0, "RandomSampler: count must not be negative, got \(count)")
    let samples = numSamples ?? count
    precondition(
      samples > 0, "RandomSampler: num_samples should be a positive integer value, but got num_samples=\(samples)")
    sourceCount = count
    self.replacement = replacement
    self.numSamples = samples
    self.generator = generator
  }

  /// Samples the indices of `dataset`.
  public init(_ dataset: some Dataset, replacement: Bool = false, numSamples: Int? = nil, generator: Generator? = nil) {
    self.init(count: dataset.count, replacement: replacement, numSamples: numSamples, generator: generator)
  }

  public var count: Int { numSamples }

  public func makeIndices() -> [Int] {
    let generator = self.generator ?? Generator(seed: Generator.default.randomInt64Seed())
    let n = sourceCount
    var indices: [Int] = []
    indices.reserveCapacity(numSamples)
    if replacement {
      // torch.randint(high=n, size=(32,)) per full chunk, then one of the remainder's size.
      var chunk = [Int64](repeating: 0, count: 32)
      for size in Array(repeating: 32, count: numSamples / 32) + [numSamples % 32] where size > 0 {
        chunk.withUnsafeMutableBufferPointer { buffer in
          generator.fillRandint(UnsafeMutableBufferPointer(rebasing: buffer[..<size]), low: 0, high: Int64(n))
        }
        indices += chunk[..<size].map { Int($0) }
      }
    } else {
      precondition(n > 0, "RandomSampler: cannot draw \(numSamples) samples without replacement from an empty data set")
      for _ in 0..<numSamples / n { indices += generator.randperm(n).map { Int($0) } }
      // PyTorch draws the last permutation even when none of it is kept.
      indices += generator.randperm(n).prefix(numSamples % n).map { Int($0) }
    }
    return indices
  }
}

/// The given indices in random order (`SubsetRandomSampler`): `indices[randperm(count)]`.
///
/// ```swift
/// SubsetRandomSampler([5, 9, 2], generator: Generator(seed: 0)).makeIndices()   // a shuffle of [5, 9, 2]
/// ```
public struct SubsetRandomSampler: Sampler {
  /// The indices shuffled.
  public let indices: [Int]
  /// The generator shuffled with (`Generator.default` when `nil`, as in PyTorch).
  public let generator: Generator?

  /// Shuffles `indices` each epoch.
  public init(_ indices: [Int], generator: Generator? = nil) {
    self.indices = indices
    self.generator = generator
  }

  public var count: Int { indices.count }

  public func makeIndices() -> [Int] {
    (generator ?? .default).randperm(indices.count).map { indices[Int($0)] }
  }
}
