import Testing

@testable import KindlingNN

@Suite("Loss reduction option")
struct ReductionTests {
  @Test("parses PyTorch's names only")
  func names() {
    #expect(Reduction(pytorchName: "none") == Reduction.none)
    #expect(Reduction(pytorchName: "mean") == .mean)
    #expect(Reduction(pytorchName: "sum") == .sum)
    #expect(Reduction(pytorchName: "avg") == nil)
  }

  @Test("reduces as PyTorch does, including the empty mean")
  func reducing() {
    #expect(Reduction.none.reduce([1, 2, 4]) == [1, 2, 4])
    #expect(Reduction.sum.reduce([1, 2, 4]) == [7])
    #expect(Reduction.mean.reduce([1, 2, 4]) == [7.0 / 3])
    #expect(Reduction.mean.reduce([])[0].isNaN)
    #expect(Reduction.sum.reduce([]) == [0])
  }
}
