/// Where a known data set should be, and what of it is there, as ``DataSetCatalog`` finds it.
///
/// ```swift
/// let location = DataSetCatalog.locate(.fashionMNIST, root: "/usr/share/datasets/fashion-mnist")
/// location.isPresent      // true
/// location.missingFiles   // []
/// location.trainCount     // 60000 (from the file headers)
/// ```
public struct DataSetLocation: Sendable, Equatable {
  /// The data set's short name: `fashion-mnist`, `mnist`.
  public let name: String
  /// The directory looked in.
  public let root: String
  /// The files not found there (neither plain nor with `.gz`), in the order
  /// ``IDXImageDataSet/allFileNames`` lists them.
  public let missingFiles: [String]
  /// The training examples the file headers announce, when all files are there and consistent.
  public let trainCount: Int?
  /// The test examples the file headers announce, when all files are there and consistent.
  public let testCount: Int?
  /// What is wrong with files that are there (a bad header, a layout or count mismatch), if
  /// anything.
  public let problem: DataSetError?

  /// `true` when all four files are there.
  public var isPresent: Bool { missingFiles.isEmpty }

  /// `true` when all four files are there and their headers agree with the data set.
  public var isUsable: Bool { isPresent && problem == nil }
}
