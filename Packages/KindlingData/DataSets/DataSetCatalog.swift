/// The data sets Kindling knows and whether this machine has them, without loading them: a
/// lookup for the files, then a read of each file's IDX header (for gzip files, only the first
/// bytes are decompressed).
///
/// ```swift
/// for location in DataSetCatalog.discover() {
///   print(location.name, location.isPresent ? "found at \(location.root)" : "missing \(location.missingFiles)")
/// }
/// // fashion-mnist found at /usr/share/datasets/fashion-mnist
/// // mnist missing ["train-images-idx3-ubyte", …]
/// ```
public enum DataSetCatalog {
  /// Every known data set (``IDXImageDataSet/all``) at its default root.
  public static func discover() -> [DataSetLocation] {
    IDXImageDataSet.all.map { locate($0, root: $0.defaultRoot) }
  }

  /// What of `dataSet` is in `root`: the missing files, and for a complete set the example
  /// counts from the headers (or the ``DataSetLocation/problem`` that the headers reveal).
  public static func locate(_ dataSet: IDXImageDataSet, root: String) -> DataSetLocation {
    let missing = IDXImageDataSet.allFileNames.filter { IDXImageDataSet.locate($0, in: root) == nil }
    guard missing.isEmpty else {
      return DataSetLocation(
        name: dataSet.name, root: root, missingFiles: missing, trainCount: nil, testCount: nil, problem: nil)
    }
    do throws(DataSetError) {
      let train = try headerCount(dataSet, root: root, train: true)
      let test = try headerCount(dataSet, root: root, train: false)
      return DataSetLocation(
        name: dataSet.name, root: root, missingFiles: [], trainCount: train, testCount: test, problem: nil)
    } catch {
      return DataSetLocation(
        name: dataSet.name, root: root, missingFiles: [], trainCount: nil, testCount: nil, problem: error)
    }
  }

  /// The example count of one split, read from the headers, which must agree with the data set.
  private static func headerCount(_ dataSet: IDXImageDataSet, root: String, train: Bool) throws(DataSetError) -> Int {
    let (imagesPath, labelsPath) = try dataSet.paths(root: root, train: train)
    let images = try IDX.header(contentsOf: imagesPath)
    let labels = try IDX.header(contentsOf: labelsPath)
    try dataSet.validate(
      images: (imagesPath, images.dtype, images.shape), labels: (labelsPath, labels.dtype, labels.shape))
    return labels.shape[0]
  }
}
