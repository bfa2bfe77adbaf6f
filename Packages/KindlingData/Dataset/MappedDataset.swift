/// A data set whose samples pass through a function, such as image transforms
/// (what torchvision does with `transform=` inside `__getitem__`).
///
/// Random transforms inside `transform` draw from ``RandomContext/generator``, which a
/// ``DataLoader`` seeds per batch from its own generator.
///
/// ```swift
/// let train = try FashionMNIST().map { image, label in (transform(image), label) }
/// ```
public struct MappedDataset<Base: Dataset, Sample>: Dataset {
  /// The data set mapped.
  public let base: Base
  private let transform: @Sendable (Base.Sample) throws -> Sample

  /// `base` with `transform` applied to every sample.
  public init(_ base: Base, transform: @escaping @Sendable (Base.Sample) throws -> Sample) {
    self.base = base
    self.transform = transform
  }

  public var count: Int { base.count }

  public subscript(index: Int) -> Sample {
    get throws { try transform(base[index]) }
  }
}

extension Dataset {
  /// This data set with `transform` applied to each sample as it is fetched.
  ///
  /// ```swift
  /// let floats = TensorDataset(images).map { $0[0].to(.float32) }
  /// ```
  public func map<T>(_ transform: @escaping @Sendable (Sample) throws -> T) -> MappedDataset<Self, T> {
    MappedDataset(self, transform: transform)
  }
}
