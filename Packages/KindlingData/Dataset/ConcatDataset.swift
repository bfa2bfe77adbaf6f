/// Data sets one after another (`torch.utils.data.ConcatDataset`): sample `i` comes from the
/// first data set whose cumulative size exceeds `i`.
///
/// ```swift
/// let both = ConcatDataset([trainPart, extraPart])
/// both.count                 // trainPart.count + extraPart.count
/// both.cumulativeSizes       // [trainPart.count, trainPart.count + extraPart.count]
/// ```
public struct ConcatDataset<Base: Dataset>: Dataset {
  public typealias Sample = Base.Sample
  /// The parts, in order.
  public let datasets: [Base]
  /// The running totals of the parts' sizes (`cumulative_sizes`).
  public let cumulativeSizes: [Int]

  /// Concatenates `datasets`, which must not be empty.
  public init(_ datasets: [Base]) {
    precondition(!datasets.isEmpty, "ConcatDataset: datasets should not be an empty iterable")
    self.datasets = datasets
    var total = 0
    cumulativeSizes = datasets.map {
      total += $0.count
      return total
    }
  }

  public var count: Int { cumulativeSizes.last ?? 0 }

  public subscript(index: Int) -> Base.Sample {
    get throws {
      checkIndex(index, "ConcatDataset")
      // The first part whose running total passes the index (bisect_right).
      var low = 0, high = cumulativeSizes.count
      while low < high {
        let mid = (low + high) / 2
        if cumulativeSizes[mid] <= index { low = mid + 1 } else { high = mid }
      }
      let start = low == 0 ? 0 : cumulativeSizes[low - 1]
      return try datasets[low][index - start]
    }
  }
}
