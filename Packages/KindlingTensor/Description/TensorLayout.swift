/// Lays a tensor's formatted values out in nested brackets, as PyTorch's `_tensor_str` does.
///
/// Rows of a 1-D slice wrap so that each line holds `(linewidth - indent) / (width + 2)` values;
/// slices of a k-D block are separated by `,`, k - 1 newlines and the indentation of the next
/// bracket. When the tensor is summarized, every dimension longer than `2 * edgeitems` shows its
/// first and last `edgeitems` entries around `...`.
///
/// ```swift
/// let layout = TensorLayout(shape: [2, 2], values: .integer([1, 2, 3, 4]), options: .default)
/// layout.text(indent: 7)   // "[[1, 2],\n        [3, 4]]"
/// ```
struct TensorLayout {
  let shape: [Int]
  let options: PrintOptions
  /// Whether the tensor has more elements than ``PrintOptions/threshold``.
  let summarize: Bool
  let formatter: ValueFormatter
  /// Row-major strides of `shape`.
  private let strides: [Int]

  init(shape: [Int], values: PrintableValues, options: PrintOptions) {
    self.shape = shape
    self.options = options
    let count = shape.reduce(1, *)
    precondition(values.count == count, "\(values.count) values for shape \(shape)")
    summarize = count > options.threshold
    var strides = [Int](repeating: 1, count: shape.count)
    for d in shape.indices.dropLast().reversed() { strides[d] = strides[d + 1] * shape[d + 1] }
    self.strides = strides
    let shown = summarize ? Self.summarizedIndices(shape: shape, strides: strides, edge: options.edgeitems) : nil
    formatter = ValueFormatter(values: values, indices: shown ?? Array(0..<count), options: options)
  }

  /// The bracketed values, for a tensor whose opening bracket sits after `indent` characters.
  func text(indent: Int) -> String { text(dim: 0, offset: 0, indent: indent) }

  private func text(dim: Int, offset: Int, indent: Int) -> String {
    if dim == shape.count { return formatter.format(offset) }
    if dim == shape.count - 1 { return row(offset: offset, indent: indent) }
    let size = shape[dim]
    let stride = strides[dim]
    let slice = { (i: Int) in text(dim: dim + 1, offset: offset + i * stride, indent: indent + 1) }
    let slices: [String] =
      if summarize && size > 2 * options.edgeitems {
        (0..<options.edgeitems).map(slice) + ["..."] + (size - options.edgeitems..<size).map(slice)
      } else {
        (0..<size).map(slice)
      }
    let newlines = String(repeating: "\n", count: shape.count - dim - 1)
    let separator = "," + newlines + String(repeating: " ", count: indent + 1)
    return "[" + slices.joined(separator: separator) + "]"
  }

  /// A 1-D slice starting at flat index `offset`, wrapped into lines.
  private func row(offset: Int, indent: Int) -> String {
    let size = shape[shape.count - 1]
    let edge = options.edgeitems
    let items: [String] =
      if summarize && edge == 0 {
        ["..."]
      } else if summarize && size > 2 * edge {
        (0..<edge).map { formatter.format(offset + $0) } + [" ..."]
          + (size - edge..<size).map { formatter.format(offset + $0) }
      } else {
        (0..<size).map { formatter.format(offset + $0) }
      }
    let perLine = max(1, (options.linewidth - indent) / (formatter.width + 2))
    let lines = stride(from: 0, to: items.count, by: perLine).map {
      items[$0..<min($0 + perLine, items.count)].joined(separator: ", ")
    }
    return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
  }

  /// Flat indices of the values a summarized tensor shows (PyTorch's `get_summarized_data`),
  /// which are the only ones its formatter looks at.
  static func summarizedIndices(shape: [Int], strides: [Int], edge: Int) -> [Int] {
    func collect(dim: Int, offset: Int, into result: inout [Int]) {
      if dim == shape.count {
        result.append(offset)
        return
      }
      let size = shape[dim]
      let kept: [Int]
      if size > 2 * edge {
        // PyTorch keeps `t[:edge]` and `t[-edge:]`; for a row with edge 0 the latter is all of it.
        let tail = dim == shape.count - 1 && edge == 0 ? Array(0..<size) : Array(size - edge..<size)
        kept = Array(0..<edge) + tail
      } else if edge == 0 && dim < shape.count - 1 {
        kept = []  // PyTorch prints nothing of a block when edgeitems is 0
      } else {
        kept = Array(0..<size)
      }
      for i in kept { collect(dim: dim + 1, offset: offset + i * strides[dim], into: &result) }
    }
    var result: [Int] = []
    collect(dim: 0, offset: 0, into: &result)
    return result
  }
}
