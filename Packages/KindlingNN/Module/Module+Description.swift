/// The printout of a module tree, shaped like PyTorch's `repr(module)`.
extension Module {
  /// `Linear(in_features=3, out_features=2, bias=True)` for a leaf; a parenthesized list of
  /// `(name): child` lines, indented by two spaces per level, for a module with children.
  public var description: String {
    let extraLines = extraDescription.isEmpty ? [] : extraDescription.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let childLines = describedChildren().map { name, text in
      "(\(name)): " + text.replacingOccurrences(of: "\n", with: "\n  ")
    }
    let lines = extraLines + childLines
    if lines.isEmpty { return "\(typeName)()" }
    if extraLines.count == 1 && childLines.isEmpty { return "\(typeName)(\(extraLines[0]))" }
    return "\(typeName)(\n  " + lines.joined(separator: "\n  ") + "\n)"
  }
}
