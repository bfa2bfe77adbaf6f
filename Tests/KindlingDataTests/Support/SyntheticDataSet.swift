/// Writes a tiny MNIST-layout data set into `directory`: `trainCount` and `testCount` 28×28
/// images whose pixels are `(image * 7 + pixel) % 256`, and labels `image % 10`.
///
/// The training files are gzip-compressed and the test files plain, so every load exercises
/// both. Returns the training and test labels.
@discardableResult
func writeSyntheticDataSet(
  in directory: TemporaryDirectory, trainCount: Int = 5, testCount: Int = 3
) throws -> (train: [UInt8], test: [UInt8]) {
  let train = try writeSplit(in: directory, train: true, count: trainCount, compressed: true)
  let test = try writeSplit(in: directory, train: false, count: testCount, compressed: false)
  return (train, test)
}

/// Writes one split's images and labels files; returns the labels.
@discardableResult
func writeSplit(
  in directory: TemporaryDirectory, train: Bool, count: Int, compressed: Bool,
  labels: [UInt8]? = nil, labelCount: Int? = nil
) throws -> [UInt8] {
  let split = train ? "train" : "t10k"
  let suffix = compressed ? ".gz" : ""
  let images = idxUInt8(shape: [UInt32(count), 28, 28], values: syntheticPixels(count: count))
  let labelValues = labels ?? (0..<(labelCount ?? count)).map { UInt8($0 % 10) }
  let labelFile = idxUInt8(shape: [UInt32(labelValues.count)], values: labelValues)
  try directory.write(compressed ? gzip(images) : images, to: "\(split)-images-idx3-ubyte\(suffix)")
  try directory.write(compressed ? gzip(labelFile) : labelFile, to: "\(split)-labels-idx1-ubyte\(suffix)")
  return labelValues
}

/// The pixels of `count` synthetic 28×28 images.
func syntheticPixels(count: Int) -> [UInt8] {
  (0..<count * 784).map { UInt8(truncatingIfNeeded: ($0 / 784) * 7 + $0 % 784) }
}
