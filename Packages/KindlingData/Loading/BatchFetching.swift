import KindlingTensor

/// A data set that makes a whole batch in one call (PyTorch's `__getitems__`), faster than
/// fetching its samples one by one and collating them.
///
/// A ``DataLoader`` with the default collate uses ``fetchBatch(_:)`` instead of the subscript
/// and the collate whenever its data set conforms. The result must equal what the default
/// collate makes of the samples at `indices`, in that order: for in-memory tensors that is one
/// gather per tensor (whole rows copied with `memcpy`) instead of a view, a sample array and a
/// stack per batch.
///
/// ```swift
/// let data = TensorDataset(Tensor.randn([60_000, 784]), Tensor.randint(0, 10, [60_000]))
/// let batch = try data.fetchBatch([5, 2, 9])   // [x [3, 784], y [3]], rows 5, 2 and 9
/// ```
public protocol BatchFetching<Batch>: Dataset {
  /// What the default collate makes of a list of samples.
  associatedtype Batch
  /// The collated batch of the samples at `indices`, in order.
  func fetchBatch(_ indices: [Int]) throws -> Batch
}

extension Tensor {
  /// An int64 index tensor holding `indices`, for `indexSelect`.
  static func indices(_ indices: [Int]) -> Tensor {
    Tensor(scalars: indices.map { Int64($0) }, shape: [indices.count])
  }
}
