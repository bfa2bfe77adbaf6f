import KindlingTensor
import Testing

@testable import KindlingAutograd

@Suite("Gradient rule lookup")
struct RuleTableTests {
  @Test("every registered rule is found by its name, and unknown names are not")
  func everyRule() {
    for name in GradientRules.table.keys { #expect(GradientRules.rule(named: name) != nil, "\(name)") }
    for name in [
      "", "MulBackward", "MulBackward00", "mulbackward0", "NoSuchBackward0", String(repeating: "x", count: 40),
    ] {
      #expect(GradientRules.rule(named: name) == nil, "\(name)")
    }
  }

  @Test("a name finds its own rule, past collisions and in a table that wrapped around")
  func ownRule() {
    // 40 names in a 128-slot table: some share a home slot, and probing wraps past the end.
    let names = (0..<40).map { "Op\($0)Backward0" } + ["", "A", "ÄBackward0"]
    var table: [String: GradientRule] = [:]
    for (i, name) in names.enumerated() { table[name] = { _ in [Tensor(Double(i))] } }
    let rules = RuleTable(table)
    let x = Tensor([1.0], requiresGrad: true)
    let node = (x * 2).gradFn as! GraphNode
    let context = GradientContext(node: node, grad: Tensor([1.0]))
    for (i, name) in names.enumerated() {
      let rule = rules[name]
      #expect(rule.map { $0(context)[0]!.item(as: Double.self) } == Double(i), "\(name)")
    }
    #expect(rules["Op40Backward0"] == nil)
  }
}
