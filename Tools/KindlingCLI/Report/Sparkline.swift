/// A one-line chart of a series with the eight block characters, for the terminal:
/// `sparkline([3, 2, 1.5, 1.2])` is `█▄▂▁`.
func sparkline(_ values: [Double]) -> String {
  let blocks = Array("▁▂▃▄▅▆▇█")
  let finite = values.filter(\.isFinite)
  guard let low = finite.min(), let high = finite.max() else { return "" }
  return String(values.map { value -> Character in
    guard value.isFinite else { return " " }
    if high == low { return blocks[3] }
    return blocks[Int(((value - low) / (high - low) * 7).rounded())]
  })
}
