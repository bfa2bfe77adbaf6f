import Foundation
import Testing

@testable import KindlingTensor

/// Copies and elementwise ops from a transposed layout into a contiguous one run in tiles
/// (`Elementwise.mapTiled`); every element must land where the plain strided loop puts it.
@Suite("Transposed copies")
struct TransposedCopyTests {
  /// `[batch, rows, columns]` values 0, 1, 2, … and their swap of the last two dimensions,
  /// computed element by element here.
  static func transposedReference(_ batch: Int, _ rows: Int, _ columns: Int) -> (Tensor, [Double]) {
    let source = Tensor.arange(batch * rows * columns, dtype: .float64).reshape([batch, rows, columns])
    var expected: [Double] = []
    for b in 0..<batch {
      for j in 0..<columns {
        for i in 0..<rows { expected.append(Double((b * rows + i) * columns + j)) }
      }
    }
    return (source, expected)
  }

  @Test(
    "mT().contiguous() of a batch with ragged tiles", arguments: [(3, 40, 50), (1, 33, 65), (2, 64, 64), (5, 2, 300)])
  func contiguous(_ shape: (Int, Int, Int)) {
    let (source, expected) = Self.transposedReference(shape.0, shape.1, shape.2)
    let copy = source.mT.contiguous()
    #expect(copy.shape == [shape.0, shape.2, shape.1])
    #expect(Elementwise.isTransposedPair(source.mT, copy) == (copy.count >= 1024))
    #expect(copy.scalars(as: Double.self) == expected)
  }

  @Test(
    "transposed copies of every element size, with blocks cut short in both dimensions",
    arguments: [DType.float32, .int32, .int64, .float64, .int16, .bool])
  func elementSizes(_ dtype: DType) {
    for shape in [(1, 9, 7), (3, 40, 50), (2, 64, 64), (1, 1000, 3), (1, 3, 1000), (2, 130, 67)] {
      let (source, expected) = Self.transposedReference(shape.0, shape.1, shape.2)
      // Values kept small enough for every type (bool: whether the value is odd).
      let typed = dtype == .bool ? (source.remainder(2) .== 1) : source.remainder(100).to(dtype)
      let reference = expected.map { dtype == .bool ? Double(Int($0) % 2) : Double(Int($0) % 100) }
      let copy = typed.mT.contiguous()
      #expect(copy.shape == [shape.0, shape.2, shape.1])
      #expect(copy.to(.float64).scalars(as: Double.self) == reference, "\(dtype) \(shape)")
    }
  }

  @Test("a transposed copy into a view writes only the view's elements")
  func intoView() {
    let (source, expected) = Self.transposedReference(1, 40, 50)
    let target = Tensor.full([70, 90], -1, dtype: .float32)
    target[5..<55, 20..<60] = source[0].mT.to(.float32)
    let values = target.scalars(as: Float.self)
    for i in 0..<70 {
      for j in 0..<90 {
        let inside = (5..<55).contains(i) && (20..<60).contains(j)
        let want = inside ? Float(expected[(i - 5) * 40 + (j - 20)]) : -1
        #expect(values[i * 90 + j] == want, "[\(i), \(j)]")
      }
    }
  }

  @Test("casting and exp through a transposed view")
  func castAndExp() {
    let (source, expected) = Self.transposedReference(2, 37, 41)
    let ints = source.mT.to(.int32)
    #expect(ints.isContiguous)
    #expect(ints.scalars(as: Int32.self) == expected.map { Int32($0) })
    let small = (source / 3000).mT
    let exps = small.exp().scalars(as: Double.self)
    for (got, value) in zip(exps, expected) { #expect(abs(got - _exp(value / 3000)) <= 1e-12 * _exp(value / 3000)) }
  }

  @Test("a transposed view of a view (offset, sliced batch)")
  func offsetView() {
    let (source, expected) = Self.transposedReference(4, 40, 30)
    let sliced = source[1..<3].mT.contiguous()
    #expect(sliced.scalars(as: Double.self) == Array(expected[(40 * 30)..<(3 * 40 * 30)]))
  }
}

@inline(__always) private func _exp(_ x: Double) -> Double { Foundation.exp(x) }
