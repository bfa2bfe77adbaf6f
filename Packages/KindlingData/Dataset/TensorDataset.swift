import KindlingTensor

/// Tensors that share their first dimension; sample `i` is the `i`-th slice of each
/// (`torch.utils.data.TensorDataset`).
///
/// ```swift
/// let data = TensorDataset(Tensor.randn([100, 3]), Tensor.randint(0, 2, [100]))
/// data.count        // 100
/// try data[7]       // [x[7] (shape [3]), y[7] (shape [])]
/// let loader = DataLoader(data, batchSize: 10)   // batches: [x [10, 3], y [10]]
/// ```
public struct TensorDataset: BatchFetching {
  /// The tensors, all of the same length in dimension 0.
  public let tensors: [Tensor]

  /// Wraps `tensors`, which must agree in their first dimension.
  public init(_ tensors: Tensor...) { self.init(tensors) }

  /// Wraps `tensors`, which must agree in their first dimension.
  public init(_ tensors: [Tensor]) {
    precondition(!tensors.isEmpty, "TensorDataset: at least one tensor is needed")
    for tensor in tensors { precondition(tensor.rank > 0, "TensorDataset: tensors must have at least one dimension") }
    let size = tensors[0].shape[0]
    precondition(
      tensors.allSatisfy { $0.shape[0] == size },
      "TensorDataset: Size mismatch between tensors (first dimensions \(tensors.map { $0.shape[0] }))")
    self.tensors = tensors
  }

  public var count: Int { tensors[0].shape[0] }

  /// The `index`-th slice of every tensor (views, no copies).
  public subscript(index: Int) -> [Tensor] {
    checkIndex(index, "TensorDataset")
    return tensors.map { $0.select(dim: 0, index: index) }
  }

  /// Rows `indices` of every tensor, gathered with `indexSelect` (what the default collate
  /// would stack from the samples, without making them).
  public func fetchBatch(_ indices: [Int]) -> [Tensor] {
    for index in indices { checkIndex(index, "TensorDataset") }
    let index = Tensor.indices(indices)
    return tensors.map { $0.indexSelect(dim: 0, index: index) }
  }
}
