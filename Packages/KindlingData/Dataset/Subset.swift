/// The samples of `dataset` at `indices`, in that order (`torch.utils.data.Subset`).
///
/// ```swift
/// let evens = Subset(data, indices: Array(stride(from: 0, to: data.count, by: 2)))
/// try evens[1]   // data[2]
/// ```
public struct Subset<Base: Dataset>: Dataset {
  public typealias Sample = Base.Sample
  /// The data set the indices point into.
  public let dataset: Base
  /// Indices into ``dataset``; sample `i` of the subset is `dataset[indices[i]]`.
  public let indices: [Int]

  /// The samples of `dataset` at `indices`.
  public init(_ dataset: Base, indices: [Int]) {
    self.dataset = dataset
    self.indices = indices
  }

  public var count: Int { indices.count }

  public subscript(index: Int) -> Base.Sample {
    get throws {
      checkIndex(index, "Subset")
      return try dataset[indices[index]]
    }
  }
}
