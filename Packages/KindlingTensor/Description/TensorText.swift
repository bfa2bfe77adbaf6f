import KindlingStorage

/// Renders a tensor as PyTorch's `repr(tensor)` does (torch/_tensor_str.py), character for
/// character: nested brackets, aligned values, summaries of large tensors, the dtype where PyTorch
/// shows it and any further suffixes such as `grad_fn=<AddBackward0>`.
///
/// ```swift
/// TensorText.render(shape: [2, 2], dtype: .float32, values: .floating([0.5, 1, 1, 4.0 / 3]))
/// // tensor([[0.5000, 1.0000],
/// //         [1.0000, 1.3333]])
/// TensorText.render(shape: [3], dtype: .int32, values: .integer([4, 8, 12]))
/// // tensor([ 4,  8, 12], dtype=torch.int32)
/// TensorText.render(shape: [], dtype: .float32, values: .floating([27]), suffixes: ["grad_fn=<SumBackward0>"])
/// // tensor(27., grad_fn=<SumBackward0>)
/// ```
public enum TensorText {
  /// PyTorch's repr of a tensor with `shape`, `dtype` and `values` (flat, row-major).
  ///
  /// - Parameters:
  ///   - suffixes: extra `name=value` entries after the dtype, in order (for example
  ///     `requires_grad=True` or `grad_fn=<MulBackward0>`); like PyTorch, each one moves to a new
  ///     line when it would pass ``PrintOptions/linewidth``.
  ///   - options: the print options (PyTorch's defaults unless given).
  /// - Precondition: `values.count` is the product of `shape`.
  public static func render(
    shape: [Int], dtype: DType, values: PrintableValues, suffixes: [String] = [], options: PrintOptions = .default
  ) -> String {
    let prefix = "tensor("
    let indent = prefix.count
    var all: [String] = []
    let body: String
    if shape.contains(0) {
      precondition(values.count == 0, "\(values.count) values for shape \(shape)")
      // An empty tensor has no values to show its kind, so every dtype but float32 is named.
      if shape.count != 1 { all.append("size=" + tupleText(shape)) }
      if dtype != .float32 { all.append("dtype=" + dtype.pytorchName) }
      body = "[]"
    } else {
      if options.edgeitems == 0 { all.append("size=" + tupleText(shape)) }
      if ![.float32, .int64, .bool].contains(dtype) { all.append("dtype=" + dtype.pytorchName) }
      body = TensorLayout(shape: shape, values: values, options: options).text(indent: indent)
    }
    return addSuffixes(prefix + body, all + suffixes, indent: indent, linewidth: options.linewidth)
  }

  /// Appends `suffixes` and the closing parenthesis as PyTorch's `_add_suffixes` does: each after
  /// `", "`, or after `",\n"` and `indent` spaces when the line would grow past `linewidth`.
  static func addSuffixes(_ text: String, _ suffixes: [String], indent: Int, linewidth: Int) -> String {
    var result = text
    // PyTorch's count: characters after the last newline plus two (plus one with no newline).
    var lineLength =
      if let newline = text.lastIndex(of: "\n") {
        text[newline...].count + 1
      } else {
        text.count + 2
      }
    for suffix in suffixes {
      if lineLength + suffix.count + 2 > linewidth {
        result += ",\n" + String(repeating: " ", count: indent) + suffix
        lineLength = indent + suffix.count
      } else {
        result += ", " + suffix
        lineLength += suffix.count + 2
      }
    }
    return result + ")"
  }

  /// A shape as Python prints a tuple: `(0, 3)`, `(5,)`, `()`.
  static func tupleText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
  }
}
