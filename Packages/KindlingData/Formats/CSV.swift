import KindlingStorage
import KindlingTensor

/// A numeric CSV file read into tensors: a header row of column names, then rows of numbers
/// separated by `delimiter`. One column may be chosen as the label; the others are features.
///
/// Fields may be surrounded by spaces; empty lines are skipped. Every row must have as many
/// fields as the header and every field must be a number, or the load throws naming the file,
/// line and column.
///
/// ```swift
/// // sepal_length,sepal_width,species
/// // 5.1,3.5,0
/// let table = try CSV.load(contentsOf: "iris.csv", labelColumn: "species")
/// table.features.shape   // [150, 2], float32
/// table.labels?.dtype    // int64 (every label is a whole number)
/// let loader = DataLoader(table.dataset, batchSize: 16, shuffle: true)
/// ```
public struct CSV: Sendable {
  /// The header's names of the feature columns, in order.
  public let featureNames: [String]
  /// The label column's name, if one was chosen.
  public let labelName: String?
  /// The features: `[rows, featureNames.count]` of the requested dtype.
  public let features: Tensor
  /// The labels: `[rows]`, int64 if every label is a whole number, else float32; `nil` without
  /// a label column.
  public let labels: Tensor?

  /// The rows as a data set: samples `[features, label]` (or `[features]`).
  public var dataset: TensorDataset { TensorDataset([features] + (labels.map { [$0] } ?? [])) }

  /// Reads the CSV file at `path`.
  ///
  /// - Parameters:
  ///   - labelColumn: the header name of the label column, or `nil` for features only.
  ///   - delimiter: the field separator.
  ///   - dtype: the features' dtype (a floating-point type).
  /// - Throws: ``DataSetError/fileUnreadable(path:reason:)``, and
  ///   ``DataSetError/malformed(path:format:problem:)`` for a missing header or label column, a
  ///   row with the wrong number of fields, or a field that is not a number.
  public static func load(
    contentsOf path: String, labelColumn: String? = nil, delimiter: Character = ",", dtype: DType = .float32
  ) throws(DataSetError) -> CSV {
    let file = try FileReader.contents(of: path)
    let text = withExtendedLifetime(file) { String(decoding: file.bytes, as: UTF8.self) }
    return try parse(text, source: path, labelColumn: labelColumn, delimiter: delimiter, dtype: dtype)
  }

  /// Parses CSV text; `source` names it in errors. See ``load(contentsOf:labelColumn:delimiter:dtype:)``.
  public static func parse(
    _ text: String, source: String, labelColumn: String? = nil, delimiter: Character = ",", dtype: DType = .float32
  ) throws(DataSetError) -> CSV {
    precondition(dtype.isFloatingPoint, "CSV: features must have a floating-point dtype, got \(dtype)")
    func bad(_ problem: String) -> DataSetError { .malformed(path: source, format: "CSV", problem: problem) }
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().lazy
      .map { ($0.offset + 1, $0.element) }
      .filter { !$0.1.allSatisfy(\.isWhitespace) }
      .makeIterator()
    guard let (_, headerLine) = lines.next() else { throw bad("it is empty (a header row is needed)") }
    let names = headerLine.split(separator: delimiter, omittingEmptySubsequences: false).map { $0.trimming(" \t") }
    var labelIndex: Int?
    if let labelColumn {
      guard let index = names.firstIndex(of: labelColumn) else {
        throw bad("there is no column named \"\(labelColumn)\" (the header names \(names))")
      }
      labelIndex = index
    }
    var values: [Double] = []
    var labelValues: [Double] = []
    var rows = 0
    while let (number, line) = lines.next() {
      let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
      guard fields.count == names.count else {
        throw bad("line \(number) has \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(names.count)")
      }
      for (column, field) in fields.enumerated() {
        let trimmed = field.trimming(" \t")
        guard let value = Double(trimmed) else {
          throw bad("line \(number), column \(column + 1) (\"\(names[column])\") holds \"\(trimmed.prefix(40))\", which is not a number")
        }
        if column == labelIndex { labelValues.append(value) } else { values.append(value) }
      }
      rows += 1
    }
    let featureNames = names.enumerated().filter { $0.offset != labelIndex }.map(\.element)
    let features = Tensor(scalars: values, shape: [rows, featureNames.count]).to(dtype)
    var labels: Tensor?
    if labelIndex != nil {
      let whole = labelValues.allSatisfy { $0 == $0.rounded() && abs($0) < 9.0e15 }
      labels = whole
        ? Tensor(scalars: labelValues.map { Int64($0) }, shape: [rows]) : Tensor(scalars: labelValues, shape: [rows]).to(.float32)
    }
    return CSV(featureNames: featureNames, labelName: labelColumn, features: features, labels: labels)
  }
}
