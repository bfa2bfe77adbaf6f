import Testing

@testable import KindlingStorage

@Suite("DType")
struct DTypeTests {
  @Test("element sizes match PyTorch's itemsize")
  func itemSizes() {
    let expected: [DType: Int] = [
      .bool: 1, .uint8: 1, .int8: 1, .int16: 2, .int32: 4, .int64: 8,
      .float16: 2, .bfloat16: 2, .float32: 4, .float64: 8,
    ]
    for dtype in DType.allCases { #expect(dtype.itemSize == expected[dtype], "\(dtype)") }
    #expect(DType.float16.itemSize == MemoryLayout<Float16>.size)
    #expect(DType.int64.itemSize == MemoryLayout<Int64>.size)
  }

  @Test("names print as Kindling and PyTorch print them")
  func names() {
    #expect("\(DType.float32)" == "float32")
    #expect(DType.int32.pytorchName == "torch.int32")
    #expect(DType(pytorchName: "torch.long") == .int64)
    #expect(DType(pytorchName: "double") == .float64)
    #expect(DType(pytorchName: "torch.bfloat16") == .bfloat16)
    #expect(DType(pytorchName: "torch.complex64") == nil)
    for dtype in DType.allCases { #expect(DType(pytorchName: dtype.pytorchName) == dtype) }
  }

  @Test("categories and signedness")
  func categories() {
    #expect(DType.allCases.filter(\.isFloatingPoint) == [.float16, .bfloat16, .float32, .float64])
    #expect(DType.allCases.filter { $0.isIntegral(includingBool: false) } == [.uint8, .int8, .int16, .int32, .int64])
    #expect(DType.bool.isIntegral(includingBool: true))
    #expect(!DType.uint8.isSigned && !DType.bool.isSigned && DType.int8.isSigned && DType.float16.isSigned)
  }
}

@Suite("Type promotion against PyTorch")
struct PromotionTests {
  struct Fixture: Decodable {
    let promote_types: [[DType]]
    let result_type: [ResultCase]
  }

  struct ResultCase: Decodable {
    let operands: [[String: String]]
    let result: DType

    var promotionOperands: [PromotionOperand] {
      operands.map { operand in
        let (kind, value) = operand.first!
        switch kind {
        case "tensor": return .tensor(DType(rawValue: value)!)
        case "zeroDimensional": return .zeroDimensional(DType(rawValue: value)!)
        default:
          let scalar: [String: ScalarKind] = ["boolean": .boolean, "integer": .integer, "floatingPoint": .floatingPoint]
          return .scalar(scalar[value]!)
        }
      }
    }
  }

  @Test("promoteTypes equals torch.promote_types for all 100 pairs")
  func promoteTypes() throws {
    let fixture = try loadFixture("dtype_promotion.json", as: Fixture.self)
    #expect(fixture.promote_types.count == 100)
    for row in fixture.promote_types {
      #expect(DType.promoted(row[0], row[1]) == row[2], "promote_types(\(row[0]), \(row[1]))")
    }
  }

  @Test("resultType equals torch.result_type for tensors, 0-dim tensors and scalars")
  func resultType() throws {
    let fixture = try loadFixture("dtype_promotion.json", as: Fixture.self)
    #expect(fixture.result_type.count == 520)
    for row in fixture.result_type {
      let operands = row.promotionOperands
      #expect(DType.resultType(of: operands) == row.result, "result_type(\(operands))")
    }
  }

  @Test("the category rules the tour relies on")
  func tourCases() {
    #expect(DType.resultType(of: [.tensor(.int32), .tensor(.float32)]) == .float32)
    #expect(DType.resultType(of: [.tensor(.int64), .scalar(.floatingPoint)]) == .float32)
    #expect(DType.resultType(of: [.tensor(.int32), .scalar(.integer)]) == .int32)
    #expect(DType.resultType(of: [.tensor(.bool), .scalar(.boolean)]) == .bool)
  }
}
