import KindlingTensor
import Testing

@Suite("InlineList")
struct InlineListTests {
  @Test("keeps order and count across the inline slots and the overflow")
  func order() {
    for n in 0..<6 {
      let list = InlineList<Int>(0..<n)
      #expect(list.count == n)
      #expect(Array(list) == Array(0..<n))
      #expect(Array(list.mapInline { $0 * 10 }) == (0..<n).map { $0 * 10 })
    }
    var list = InlineList(7)
    list.append(8)
    list.append(9)
    #expect(Array(list) == [7, 8, 9])
    #expect(InlineList(1, 2)[1] == 2)
  }

  @Test("array literals of any length, and elements replaced in the slots and the overflow")
  func literalsAndAssignment() {
    let empty: InlineList<Int> = []
    #expect(empty.isEmpty)
    let two: InlineList<String?> = ["a", nil]
    #expect(two.count == 2 && two[0] == "a" && two[1] == nil)
    var four: InlineList<Int> = [1, 2, 3, 4]
    #expect(Array(four) == [1, 2, 3, 4])
    for i in four.indices { four[i] *= 10 }
    #expect(Array(four) == [10, 20, 30, 40])
  }

  @Test("a recorded op of three inputs keeps all three edges")
  func threeInputs() {
    let a = Tensor([1.0, 2.0], requiresGrad: true)
    let b = Tensor([3.0, 4.0], requiresGrad: true)
    let w = Tensor([0.25, 0.5])
    let node = a.lerp(b, w).gradFn as? GraphNode
    #expect(node?.name == "LerpBackward1")
    let next = node?.nextFunctions ?? []
    #expect(next.count == 3)
    let present = next.map { $0 != nil }
    #expect(present == [true, true, false])
  }

  @Test("edgeCount, edge(i) and hasEdge(i) read what edges holds, for one, two, three and five inputs")
  func edgeAccessors() throws {
    let x = Tensor([1.0, 2.0], requiresGrad: true), y = Tensor([3.0, 4.0], requiresGrad: true)
    let c = Tensor([5.0, 6.0])
    let nodes: [(GraphNode?, [Bool])] = [
      (x.exp().gradFn as? GraphNode, [true]),
      (c.mul(y).gradFn as? GraphNode, [false, true]),
      (x.lerp(c, y).gradFn as? GraphNode, [true, false, true]),
      (Tensor.cat([c, x, c, c, y]).gradFn as? GraphNode, [false, true, false, false, true]),
    ]
    for (node, expected) in nodes {
      let node = try #require(node)
      #expect(node.edgeCount == expected.count && node.edges.count == expected.count, "\(node.name)")
      for i in expected.indices {
        #expect(node.hasEdge(i) == expected[i], "\(node.name) input \(i)")
        #expect((node.edge(i) != nil) == expected[i])
        #expect(node.edge(i).map(ObjectIdentifier.init) == node.edges[i].map(ObjectIdentifier.init))
      }
      #expect(!node.hasEdge(-1) && !node.hasEdge(expected.count))
    }
    // A leaf used twice has one accumulator, reached from both edges.
    let square = try #require(x.mul(x).gradFn as? GraphNode)
    #expect(square.edge(0).map(ObjectIdentifier.init) == square.edge(1).map(ObjectIdentifier.init))
  }
}
