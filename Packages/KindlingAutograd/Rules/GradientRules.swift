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

  /// The rule for nodes named `name`, looked up in ``lookup``: the backward asks once per node.
  static func rule(named name: String) -> GradientRule? { lookup[name] }

  /// ``table`` in a ``RuleTable``.
  private static let lookup = RuleTable(table)
}

/// Rules by name in an open-addressing table (linear probing, at most half full) hashed with
/// FNV-1a over the name's UTF-8 bytes. A `Dictionary` hashes a `String` with seeded SipHash: about
/// 350 instructions to find a 12-byte name such as `MulBackward0`, a few percent of a small
/// backward's.
///
/// ```swift
/// let rules = RuleTable(["NegBackward0": { c in [-c.grad] }])
/// rules["NegBackward0"] != nil   // true
/// ```
struct RuleTable {
  private var names: [String?]
  private var rules: [GradientRule?]
  private let mask: Int

  init(_ table: [String: GradientRule]) {
    var size = 16
    while size < 2 * table.count { size *= 2 }
    names = Array(repeating: nil, count: size)
    rules = Array(repeating: nil, count: size)
    mask = size - 1
    for (name, rule) in table {
      var slot = Self.hash(name) & mask
      while names[slot] != nil { slot = (slot + 1) & mask }
      names[slot] = name
      rules[slot] = rule
    }
  }

  subscript(name: String) -> GradientRule? {
    var slot = Self.hash(name) & mask
    while let stored = names[slot] {
      if stored == name { return rules[slot] }
      slot = (slot + 1) & mask
    }
    return nil
  }

  /// FNV-1a (64-bit) of the UTF-8 bytes, its high bits folded into the low ones the mask keeps.
  static func hash(_ name: String) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var name = name
    name.withUTF8 { bytes in
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    }
    return Int(truncatingIfNeeded: hash ^ (hash >> 32))
  }
}
