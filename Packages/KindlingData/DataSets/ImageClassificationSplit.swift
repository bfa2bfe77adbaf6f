import KindlingTensor

/// One split of an IDX image data set as a ``Dataset``: sample `i` is
/// `(image, label)`, the image a uint8 `[rows, columns]` tensor viewing the loaded pixels
/// (no copy) and the label an `Int`. A ``DataLoader`` collates batches to
/// `(uint8 [B, rows, columns], int64 [B])`.
///
/// ```swift
/// let train = try FashionMNIST()
/// let (image, label) = try train[0]   // uint8 [28, 28], 9
/// ```
public protocol ImageClassificationSplit: BatchFetching where Sample == (Tensor, Int), Batch == (Tensor, Tensor) {
  /// The images: uint8 `[N, rows, columns]`.
  var images: IDXArray { get }
  /// The labels: uint8 `[N]`.
  var labels: IDXArray { get }
}

extension ImageClassificationSplit {
  /// Image `index` (a view of the pixels) and its label.
  public subscript(index: Int) -> (Tensor, Int) {
    checkIndex(index, "\(Self.self)")
    let rows = images.shape[1], columns = images.shape[2]
    let image = Tensor(
      storage: images.storage, shape: [rows, columns], strides: [columns, 1], storageOffset: index * rows * columns,
      dtype: .uint8)
    return (image, Int(labels.storage.data.load(fromByteOffset: index, as: UInt8.self)))
  }

  /// All images as one uint8 tensor `[N, rows, columns]` and all labels as int64 `[N]`, for
  /// ``TensorDataset`` or whole-set arithmetic.
  /// Images `indices` (uint8 `[B, rows, columns]`, whole images copied with `memcpy`) and
  /// their labels (int64 `[B]`): what the default collate makes of those samples, made directly.
  public func fetchBatch(_ indices: [Int]) -> (Tensor, Tensor) {
    for index in indices { checkIndex(index, "\(Self.self)") }
    let all = Tensor(storage: images.storage, shape: images.shape, strides: contiguousStrides(images.shape), dtype: .uint8)
    let bytes = labels.storage.data
    let labels = indices.map { Int64(bytes.load(fromByteOffset: $0, as: UInt8.self)) }
    return (all.indexSelect(dim: 0, index: Tensor.indices(indices)), Tensor(scalars: labels, shape: [indices.count]))
  }

  public var tensors: (images: Tensor, labels: Tensor) {
    let images = Tensor(storage: self.images.storage, shape: self.images.shape, strides: contiguousStrides(self.images.shape), dtype: .uint8)
    let labels = Tensor(storage: self.labels.storage, shape: self.labels.shape, strides: [1], dtype: .uint8)
    return (images, labels.to(.int64))
  }
}

/// Row-major strides of `shape`.
private func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
  return strides
}

extension FashionMNIST: ImageClassificationSplit {}
extension MNIST: ImageClassificationSplit {}
