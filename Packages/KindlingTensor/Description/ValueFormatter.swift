/// Formats a tensor's values with one common width, as PyTorch's `_Formatter` does.
///
/// The formatter is built from the values that will be printed (for a summarized tensor, only
/// its edges). Floating-point values choose one of three modes from their nonzero finite values:
/// - scientific (`1.0000e+10`) when the largest magnitude over the smallest exceeds 1000, the
///   largest exceeds 1e8 or the smallest is below 1e-4 (unless ``PrintOptions/sciMode`` decides);
/// - integer (`1.`, `-3.`) when every such value is whole;
/// - fixed (`0.5000`) otherwise.
/// Booleans print `True`/`False`, integers their decimal digits. Every value is right-aligned to
/// the widest one (nan, inf and zeros count toward the width only from its minimum of 1).
///
/// ```swift
/// let f = ValueFormatter(values: .floating([512, 1024, 1536]), indices: 0..<3, options: .default)
/// f.format(0)   // " 512."
/// ```
struct ValueFormatter {
  let values: PrintableValues
  let options: PrintOptions
  private(set) var width = 1
  private(set) var intMode = true
  private(set) var sciMode = false

  /// A formatter sized for the values at `indices`; ``format(_:)`` then prints any value of `values`.
  init(values: PrintableValues, indices: some Sequence<Int>, options: PrintOptions) {
    self.values = values
    self.options = options
    switch values {
    case .bool(let flags):
      for i in indices { width = max(width, Self.text(flags[i]).count) }
    case .integer(let numbers):
      for i in indices { width = max(width, String(numbers[i]).count) }
    case .floating(let numbers):
      chooseMode(indices.map { numbers[$0] }.filter { $0.isFinite && $0 != 0 })
    }
  }

  /// Picks integer / scientific mode and the width from the nonzero finite values.
  private mutating func chooseMode(_ nonzeroFinite: [Double]) {
    guard !nonzeroFinite.isEmpty else { return }
    var smallest = Double.infinity
    var largest = 0.0
    for value in nonzeroFinite {
      smallest = min(smallest, value.magnitude)
      largest = max(largest, value.magnitude)
      if value != value.rounded(.up) { intMode = false }
    }
    sciMode = options.sciMode ?? (largest / smallest > 1000 || largest > 1e8 || smallest < 1e-4)
    for value in nonzeroFinite {
      let length =
        if sciMode {
          FloatFormatting.scientific(value, precision: options.precision).count
        } else if intMode {
          FloatFormatting.fixed(value, precision: 0).count + 1
        } else {
          FloatFormatting.fixed(value, precision: options.precision).count
        }
      width = max(width, length)
    }
  }

  /// The value at flat index `index`, padded on the left to the common width.
  func format(_ index: Int) -> String {
    let text: String
    switch values {
    case .bool(let flags): text = Self.text(flags[index])
    case .integer(let numbers): text = String(numbers[index])
    case .floating(let numbers): text = formatFloat(numbers[index])
    }
    return String(repeating: " ", count: max(0, width - text.count)) + text
  }

  private func formatFloat(_ value: Double) -> String {
    if sciMode { return FloatFormatting.scientific(value, precision: options.precision) }
    if intMode { return FloatFormatting.fixed(value, precision: 0) + (value.isFinite ? "." : "") }
    return FloatFormatting.fixed(value, precision: options.precision)
  }

  private static func text(_ flag: Bool) -> String { flag ? "True" : "False" }
}
