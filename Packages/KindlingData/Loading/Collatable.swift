import KindlingTensor

/// A sample type that knows how to merge a batch of itself, as PyTorch's `default_collate`
/// does by type: tensors are stacked along a new first dimension, numbers become a 1-D tensor
/// (`Int` → int64, `Double` → float64, `Float` → float32, `Bool` → bool, `UInt8` → uint8),
/// arrays and dictionaries are collated element by element, strings are kept as a list.
/// Tuples of collatable types collate through ``defaultCollate(_:)-(_)``.
///
/// ```swift
/// try Tensor.collate([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])   // shape [2, 2]
/// try Int.collate([3, 1, 4])                                     // tensor([3, 1, 4]), int64
/// try defaultCollate([(Tensor([1.0]), 0), (Tensor([2.0]), 1)])    // (shape [2, 1], tensor([0, 1]))
/// ```
public protocol Collatable {
  /// What a batch of this type becomes.
  associatedtype Batch
  /// Merges `samples` (at least one) into a batch.
  ///
  /// - Throws: ``CollateError`` when the samples cannot be merged (tensors of different shapes,
  ///   arrays of different lengths, dictionaries with different keys).
  static func collate(_ samples: [Self]) throws(CollateError) -> Batch
}

/// Why samples could not be merged into a batch; the descriptions follow PyTorch's messages.
public enum CollateError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Tensor `entry` has shape `found` but entry 0 has `expected` (`torch.stack`'s error).
  case shapeMismatch(expected: [Int], found: [Int], entry: Int)
  /// Array-valued samples of different lengths.
  case lengthMismatch(expected: Int, found: Int, entry: Int)
  /// Dictionary-valued samples with different keys.
  case keyMismatch(expected: [String], found: [String], entry: Int)
  /// A batch with no samples.
  case empty

  public var description: String {
    switch self {
    case .shapeMismatch(let expected, let found, let entry):
      return "stack expects each tensor to be equal size, but got \(expected) at entry 0 and \(found) at entry \(entry)"
    case .lengthMismatch(let expected, let found, let entry):
      return "each element in list of batch should be of equal size (entry 0 has \(expected) elements, entry "
        + "\(entry) has \(found))"
    case .keyMismatch(let expected, let found, let entry):
      return "each dictionary in the batch should have the same keys (entry 0 has \(expected), entry \(entry) has "
        + "\(found))"
    case .empty:
      return "cannot collate an empty batch"
    }
  }
}

extension Tensor: Collatable {
  /// Stacks the tensors into one with a new first dimension of size `samples.count`.
  public static func collate(_ samples: [Tensor]) throws(CollateError) -> Tensor {
    guard let first = samples.first else { throw .empty }
    for (entry, sample) in samples.enumerated() where sample.shape != first.shape {
      throw .shapeMismatch(expected: first.shape, found: sample.shape, entry: entry)
    }
    return Tensor.stack(samples)
  }
}

/// Numbers collate to a 1-D tensor of their dtype.
public protocol CollatableScalar: Collatable where Batch == Tensor {
  /// The dtype a batch of this type has.
  static var collatedDType: DType { get }
  /// The value as a double, exactly for every value of the dtype that a double holds.
  var collatedValue: Double { get }
}

extension CollatableScalar {
  public static func collate(_ samples: [Self]) throws(CollateError) -> Tensor {
    guard !samples.isEmpty else { throw .empty }
    return Tensor(scalars: samples.map(\.collatedValue), shape: [samples.count]).to(collatedDType)
  }
}

extension Int: CollatableScalar {
  public static var collatedDType: DType { .int64 }
  public var collatedValue: Double { Double(self) }
  /// An int64 tensor, exact for every `Int`.
  public static func collate(_ samples: [Int]) throws(CollateError) -> Tensor {
    guard !samples.isEmpty else { throw .empty }
    return Tensor(scalars: samples.map { Int64($0) }, shape: [samples.count])
  }
}

extension Int64: CollatableScalar {
  public static var collatedDType: DType { .int64 }
  public var collatedValue: Double { Double(self) }
  /// An int64 tensor, exact for every value.
  public static func collate(_ samples: [Int64]) throws(CollateError) -> Tensor {
    guard !samples.isEmpty else { throw .empty }
    return Tensor(scalars: samples, shape: [samples.count])
  }
}

extension Int32: CollatableScalar {
  public static var collatedDType: DType { .int32 }
  public var collatedValue: Double { Double(self) }
}

extension UInt8: CollatableScalar {
  public static var collatedDType: DType { .uint8 }
  public var collatedValue: Double { Double(self) }
}

extension Double: CollatableScalar {
  public static var collatedDType: DType { .float64 }
  public var collatedValue: Double { self }
}

extension Float: CollatableScalar {
  public static var collatedDType: DType { .float32 }
  public var collatedValue: Double { Double(self) }
}

extension Bool: CollatableScalar {
  public static var collatedDType: DType { .bool }
  public var collatedValue: Double { self ? 1 : 0 }
}

extension String: Collatable {
  /// Strings stay a list, as in PyTorch.
  public static func collate(_ samples: [String]) throws(CollateError) -> [String] { samples }
}

extension Array: Collatable where Element: Collatable {
  /// Position `k` of every sample collated together: `[[a0, b0], [a1, b1]]` → `[collate([a0, a1]), collate([b0, b1])]`.
  public static func collate(_ samples: [[Element]]) throws(CollateError) -> [Element.Batch] {
    guard let first = samples.first else { throw .empty }
    for (entry, sample) in samples.enumerated() where sample.count != first.count {
      throw .lengthMismatch(expected: first.count, found: sample.count, entry: entry)
    }
    var batch: [Element.Batch] = []
    for position in first.indices { try batch.append(Element.collate(samples.map { $0[position] })) }
    return batch
  }
}

extension Dictionary: Collatable where Value: Collatable, Key: Comparable {
  /// Each key's values collated together.
  public static func collate(_ samples: [[Key: Value]]) throws(CollateError) -> [Key: Value.Batch] {
    guard let first = samples.first else { throw .empty }
    let keys = first.keys.sorted()
    var batch: [Key: Value.Batch] = [:]
    for key in keys {
      var column: [Value] = []
      column.reserveCapacity(samples.count)
      for (entry, sample) in samples.enumerated() {
        guard let value = sample[key], sample.count == first.count else {
          throw .keyMismatch(
            expected: keys.map { "\($0)" }, found: sample.keys.sorted().map { "\($0)" }, entry: entry)
        }
        column.append(value)
      }
      batch[key] = try Value.collate(column)
    }
    return batch
  }
}

/// A growable column of one tuple position, shared by reference while a pack is unzipped.
private final class Column<Element> {
  var items: [Element] = []
}

/// Collates samples that are tuples, position by position: `[(image, label)]` becomes
/// `(stacked images, label tensor)`, PyTorch's `default_collate` on tuples.
///
/// ```swift
/// let (images, labels) = try defaultCollate([(Tensor.zeros([28, 28]), 3), (Tensor.ones([28, 28]), 7)])
/// images.shape   // [2, 28, 28]
/// labels         // tensor([3, 7]), int64
/// ```
public func defaultCollate<each T: Collatable>(_ samples: [(repeat each T)]) throws(CollateError)
  -> (repeat (each T).Batch)
{
  guard !samples.isEmpty else { throw .empty }
  let columns = (repeat Column<each T>())
  for sample in samples {
    repeat (each columns).items.append(each sample)
  }
  return (repeat try (each T).collate((each columns).items))
}

/// How a ``DataLoader`` merges a batch of samples: a function from samples to a batch
/// (`collate_fn`).
///
/// ```swift
/// let sum = Collate<Int, Int> { $0.reduce(0, +) }
/// let loader = DataLoader(numbers, batchSize: 4, collate: sum)
/// ```
public struct Collate<Sample, Batch>: Sendable {
  private let body: @Sendable ([Sample]) throws -> Batch
  /// Whether this is PyTorch's `default_collate`, which a ``BatchFetching`` data set may
  /// replace with its own batched fetch.
  let isDefault: Bool

  /// Collates with `body`, which may throw.
  public init(_ body: @escaping @Sendable ([Sample]) throws -> Batch) { self.init(isDefault: false, body) }

  init(isDefault: Bool, _ body: @escaping @Sendable ([Sample]) throws -> Batch) {
    self.body = body
    self.isDefault = isDefault
  }

  /// Merges `samples`.
  public func callAsFunction(_ samples: [Sample]) throws -> Batch { try body(samples) }
}

extension Collate where Sample: Collatable, Batch == Sample.Batch {
  /// ``Collatable/collate(_:)`` of the sample type.
  public static var `default`: Collate { Collate(isDefault: true) { samples in try Sample.collate(samples) } }
}
