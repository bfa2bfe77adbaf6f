import Testing

@testable import KindlingStorage

@Suite("Shapes and strides")
struct ShapeTests {
  @Test("element counts and contiguous strides")
  func counts() {
    #expect(Shape.elementCount([2, 3, 4]) == 24)
    #expect(Shape.elementCount([]) == 1)
    #expect(Shape.elementCount([3, 0]) == 0)
    #expect(Shape.contiguousStrides([2, 3, 4]) == [12, 4, 1])
    #expect(Shape.contiguousStrides([]) == [])
    #expect(Shape.contiguousStrides([2, 0, 3]) == [3, 3, 1])  // torch.empty(2, 0, 3).stride()
  }

  @Test("Shape.equal agrees with array equality")
  func equality() {
    let shapes: [[Int]] = [[], [1], [1, 1], [2, 3], [3, 2], [2, 3, 1], [0], [2, 3]]
    for a in shapes {
      for b in shapes { #expect(Shape.equal(a, b) == (a == b)) }
    }
  }

  @Test("contiguity ignores the strides of size-1 dimensions")
  func contiguity() {
    #expect(Shape.isContiguous([2, 3], strides: [3, 1]))
    #expect(!Shape.isContiguous([2, 3], strides: [1, 2]))  // a transpose
    #expect(Shape.isContiguous([2, 1, 3], strides: [3, 99, 1]))
    #expect(Shape.isContiguous([0, 3], strides: [7, 7]))
  }

  @Test("broadcasting follows PyTorch")
  func broadcasting() throws {
    #expect(try Shape.broadcast([3, 1], [4]) == [3, 4])
    #expect(try Shape.broadcast([], [2, 2]) == [2, 2])
    #expect(try Shape.broadcast([5, 1, 4, 1], [3, 1, 1]) == [5, 3, 4, 1])
    #expect(try Shape.broadcast([0], [1]) == [0])
    #expect(Shape.broadcastStrides(shape: [3, 1], strides: [1, 1], to: [2, 3, 4]) == [0, 1, 0])
  }

  @Test("a broadcast error carries PyTorch's text")
  func broadcastError() {
    #expect(throws: ShapeError.self) { try Shape.broadcast([3], [4]) }
    do {
      _ = try Shape.broadcast([2, 3], [4, 4])
      Issue.record("expected an error")
    } catch {
      #expect(
        "\(error)" == "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1")
    }
    do {
      _ = try Shape.broadcast([2, 3, 5], [4, 5])  // PyTorch: torch.ones(2, 3, 5) + torch.ones(4, 5)
      Issue.record("expected an error")
    } catch {
      #expect(
        "\(error)" == "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1")
    }
  }

  @Test("negative dimensions wrap; out-of-range ones name the range")
  func dimensions() throws {
    #expect(try Shape.normalize(dimension: -1, rank: 3) == 2)
    #expect(try Shape.normalize(dimension: 0, rank: 3) == 0)
    #expect(try Shape.normalize(dimension: -1, rank: 0) == 0)
    #expect(throws: ShapeError.dimensionOutOfRange(dimension: 3, rank: 3)) {
      try Shape.normalize(dimension: 3, rank: 3)
    }
    #expect(
      "\(ShapeError.dimensionOutOfRange(dimension: 2, rank: 2))"
        == "Dimension out of range (expected to be in range of [-2, 1], but got 2)")
    #expect(throws: ShapeError.noDimensions(dimension: 0)) {
      try Shape.normalize(dimension: 0, rank: 0, wrapScalar: false)
    }
  }

  @Test("negative sizes are refused with PyTorch's text")
  func negativeSizes() {
    #expect(throws: ShapeError.self) { try Shape.validate([2, -1]) }
    #expect("\(ShapeError.negativeSize(shape: [2, -1]))" == "Trying to create tensor with negative dimension -1: [2, -1]")
  }
}
