import Testing

@testable import KindlingTensor

@Suite("Elementwise in-place ops and errors")
struct ElementwiseInPlaceTests {
  @Test("in-place ops write through to the storage and views see it")
  func inPlaceWritesStorage() {
    let base = Tensor([[-1.0, 0.0], [1.0, 4.0]])
    let view = base.t()
    view.relu_()
    #expect(base.scalars(as: Double.self) == [0, 0, 1, 4])
    base.sqrt_()
    #expect(base.scalars(as: Double.self) == [0, 0, 1, 2])
    base.pow_(2).clamp_(min: 0.5, max: 3)
    #expect(base.scalars(as: Double.self) == [0.5, 0.5, 1, 3])
    base.neg_().abs_()
    #expect(base.scalars(as: Double.self) == [0.5, 0.5, 1, 3])
    base.maskedFill_(Tensor([true, false]), 9)
    #expect(base.scalars(as: Double.self) == [9, 0.5, 9, 3])
    let e = Tensor([0.0]).exp_()
    #expect(e.item() == 1)
    #expect(Tensor([0.0]).sigmoid_().item() == 0.5)
    #expect(Tensor([0.0]).tanh_().item() == 0)
  }

  @Test("integer tensors keep their dtype for abs, sign, square, relu, pow(2), and float ops give float32")
  func dtypeRules() {
    let i = Tensor([-3, 0, 2], dtype: .int32)
    #expect(i.abs().dtype == .int32 && i.abs().scalars(as: Int64.self) == [3, 0, 2])
    #expect(i.sign().scalars(as: Int64.self) == [-1, 0, 1])
    #expect(i.square().dtype == .int32 && i.square().scalars(as: Int64.self) == [9, 0, 4])
    #expect(Tensor([true, false]).square().dtype == .int64)
    #expect(i.relu().scalars(as: Int64.self) == [0, 0, 2])
    #expect(i.exp().dtype == .float32)
    #expect(Tensor([2, 3]).pow(2).scalars(as: Int64.self) == [4, 9])
    #expect(Tensor([2, 3]).pow(0.5).dtype == .float32)
    #expect(Tensor([1, 2]).clamp(min: 0.5).dtype == .float32)
    #expect((Tensor([12]) & 10).scalars(as: Int64.self) == [8])
    #expect((~Tensor([5])).scalars(as: Int64.self) == [-6])
    #expect(Tensor([Double.nan, 1]).relu().scalars(as: Double.self)[0].isNaN)
  }

  @Test("integers to negative integer powers stop with PyTorch's message")
  func negativeIntegerPower() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([2, 3]).pow(-1)
    }
    let stderr = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(stderr.contains("Integers to negative integer powers are not allowed."))
  }

  @Test("a float result cannot be written in place into an integer tensor")
  func inPlaceCastError() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      Tensor([1, 2]).exp_()
    }
    let stderr = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(stderr.contains("exp_: result type Float can't be cast to the desired output type Long"))
  }

  @Test("where refuses a non-bool condition")
  func whereCondition() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.where(Tensor([1, 0]), Tensor([1]), Tensor([2]))
    }
    let stderr = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(stderr.contains("where expected condition to be a boolean tensor, but got a tensor with dtype Long"))
  }
}
