/// An error raised while a ``DataLoader`` fetched or collated a batch, with where it happened.
///
/// ```swift
/// do {
///   var batches = loader.makeIterator()
///   while let batch = try batches.next() { … }
/// } catch let error as DataLoaderError {
///   print(error)   // Fetching sample 17 (batch 4) failed: …
/// }
/// ```
public enum DataLoaderError: Error, CustomStringConvertible {
  /// `dataset[index]` threw `underlying` while batch number `batch` was fetched.
  case sampleFailed(index: Int, batch: Int, underlying: any Error)
  /// The collate function threw `underlying` for batch number `batch` (of sample `indices`).
  case collateFailed(batch: Int, indices: [Int], underlying: any Error)

  /// The index of the sample that failed, if a sample failed.
  public var sampleIndex: Int? {
    if case .sampleFailed(let index, _, _) = self { return index }
    return nil
  }

  /// The error the data set or collate function threw.
  public var underlying: any Error {
    switch self {
    case .sampleFailed(_, _, let error), .collateFailed(_, _, let error): error
    }
  }

  public var description: String {
    switch self {
    case .sampleFailed(let index, let batch, let error):
      "Fetching sample \(index) (batch \(batch)) failed: \(error)"
    case .collateFailed(let batch, let indices, let error):
      "Collating batch \(batch) (samples \(indices.prefix(8).map(String.init).joined(separator: ", "))"
        + "\(indices.count > 8 ? ", …" : "")) failed: \(error)"
    }
  }
}
