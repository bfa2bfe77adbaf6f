/// Counts of (true class, predicted class) pairs, with per-class accuracy and a printout.
struct ConfusionMatrix: Equatable {
  let classNames: [String]
  private(set) var counts: [[Int]]

  init(classNames: [String]) {
    self.classNames = classNames
    counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
  }

  mutating func add(label: Int, prediction: Int) { counts[label][prediction] += 1 }

  var total: Int { counts.joined().reduce(0, +) }

  /// The fraction of all examples predicted correctly.
  var accuracy: Double {
    total == 0 ? 0 : Double((0..<counts.count).map { counts[$0][$0] }.reduce(0, +)) / Double(total)
  }

  /// For each class, the fraction of its examples predicted correctly (recall).
  var perClassAccuracy: [Double] {
    counts.enumerated().map { index, row in
      let n = row.reduce(0, +)
      return n == 0 ? 0 : Double(row[index]) / Double(n)
    }
  }

  /// Rows are true classes, columns predictions, headed by the class index.
  var table: String {
    let nameWidth = classNames.map(\.count).max() ?? 0
    let cellWidth = max(5, String(counts.joined().max() ?? 0).count + 1)
    func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
    var lines = [pad("true \\ predicted", nameWidth + 4) + classNames.indices.map { pad("\($0)", cellWidth) }.joined()]
    for (index, row) in counts.enumerated() {
      let name = classNames[index] + String(repeating: " ", count: nameWidth - classNames[index].count)
      lines.append(pad("\(index) ", 4) + pad(name, max(nameWidth, 16)) + row.map { pad("\($0)", cellWidth) }.joined())
    }
    return lines.joined(separator: "\n")
  }
}
