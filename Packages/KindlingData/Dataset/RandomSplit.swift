import KindlingTensor

/// Splits `dataset` into non-overlapping random subsets of the given sizes
/// (`torch.utils.data.random_split`): one `randperm(count)` from `generator`, cut in order.
///
/// With the same seed the subsets hold exactly PyTorch's indices.
///
/// ```swift
/// let parts = randomSplit(data, lengths: [50_000, 10_000], generator: Generator(seed: 42))
/// let (train, validation) = (parts[0], parts[1])
/// ```
///
/// - Precondition: the lengths add up to `dataset.count`.
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Int], generator: Generator = .default) -> [Subset<D>] {
  precondition(
    lengths.reduce(0, +) == dataset.count,
    "random_split: Sum of input lengths does not equal the length of the input dataset!")
  precondition(lengths.allSatisfy { $0 >= 0 }, "random_split: lengths must not be negative, got \(lengths)")
  let order = generator.randperm(dataset.count).map { Int($0) }
  var offset = 0
  return lengths.map { length in
    defer { offset += length }
    return Subset(dataset, indices: Array(order[offset..<offset + length]))
  }
}

/// Splits `dataset` by fractions that add up to 1, as PyTorch does: each part gets
/// `floor(count × fraction)` samples, then the remainder is dealt out one by one from the first
/// part on, and the permutation is drawn as in ``randomSplit(_:lengths:generator:)-(_,[Int],_)``.
///
/// ```swift
/// let parts = randomSplit(data, lengths: [0.8, 0.1, 0.1], generator: Generator(seed: 0))
/// ```
///
/// - Precondition: every fraction is in `[0, 1]` and they add up to 1 (within 1e-9).
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Double], generator: Generator = .default) -> [Subset<D>] {
  randomSplit(dataset, lengths: splitLengths(count: dataset.count, fractions: lengths), generator: generator)
}

/// PyTorch's fractional lengths: floors, then the remainder dealt round-robin.
func splitLengths(count: Int, fractions: [Double]) -> [Int] {
  let sum = fractions.reduce(0, +)
  // math.isclose(sum, 1) with the default relative tolerance 1e-9, and sum <= 1.
  precondition(
    !fractions.isEmpty && abs(sum - 1) <= 1e-9 * max(abs(sum), 1) && sum <= 1,
    "random_split: fractional lengths must add up to 1, but they add up to \(sum); pass whole numbers that add "
      + "up to the data set's size (\(count)) instead")
  var lengths = fractions.enumerated().map { i, fraction in
    precondition(fraction >= 0 && fraction <= 1, "random_split: Fraction at index \(i) is not between 0 and 1")
    return Int((Double(count) * fraction).rounded(.down))
  }
  let remainder = count - lengths.reduce(0, +)
  for i in 0..<max(remainder, 0) { lengths[i % lengths.count] += 1 }
  return lengths
}
