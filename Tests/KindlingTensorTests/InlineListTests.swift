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
}
