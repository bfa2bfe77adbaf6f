import KindlingTensor

/// Chooses the order in which a ``DataLoader`` visits sample indices (`torch.utils.data.Sampler`).
///
/// ``makeIndices()`` returns one epoch's indices and draws its random numbers when called, so
/// each epoch of a loader gets a fresh order from the sampler's generator, as each `iter()` of a
/// PyTorch sampler does.
///
/// ```swift
/// let sampler = RandomSampler(count: 10, generator: Generator(seed: 0))
/// sampler.makeIndices()   // [4, 1, 7, 5, 3, 9, 0, 8, 6, 2], as list(RandomSampler(range(10), generator=g))
/// ```
public protocol Sampler: Sendable {
  /// How many indices one epoch yields (`len(sampler)`).
  var count: Int { get }
  /// One epoch's indices, in order.
  func makeIndices() -> [Int]
}

/// `0, 1, …, count - 1` (`SequentialSampler`).
///
/// ```swift
/// SequentialSampler(count: 4).makeIndices()   // [0, 1, 2, 3]
/// ```
public struct SequentialSampler: Sampler {
  public let count: Int

  /// Indices `0..<count`.
  public init(count: Int) {
    precondition(count >= 0, "SequentialSampler: count must not be negative, got \(count)")
    self.count = count
  }

  /// Every index of `dataset`, in order.
  public init(_ dataset: some Dataset) { self.init(count: dataset.count) }

  public func makeIndices() -> [Int] { Array(0..<count) }
}

extension Generator {
  /// One draw of `torch.empty((), dtype=torch.int64).random_(generator=self)`: 64 random bits
  /// reduced modulo 2^63. PyTorch seeds a sampler's private generator and a loader's workers
  /// with this.
  ///
  /// ```swift
  /// Generator(seed: 3).randomInt64Seed()   // 937055941807507096
  /// ```
  public func randomInt64Seed() -> UInt64 { random64() & (UInt64.max >> 1) }
}
