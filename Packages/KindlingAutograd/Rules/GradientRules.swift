import KindlingTensor

/// Every gradient rule, by the PyTorch name of the node it runs (`grad_fn`'s name).
///
/// Each family lives in its own file as a dictionary; this table joins them. A node whose name
/// has no rule stops the backward with that name (tinygrad's rule: a missing rule fails loudly).
enum GradientRules {
  static let table: [String: GradientRule] = {
    var table: [String: GradientRule] = [:]
    for family in [arithmeticRules, elementwiseRules, reductionRules, shapeRules, indexingRules, linearAlgebraRules] {
      table.merge(family) { _, _ in preconditionFailure("two gradient rules share a name") }
    }
    return table
  }()

  /// Whether a node of this name can be differentiated.
  static func hasRule(_ name: String) -> Bool { table[name] != nil }
}
