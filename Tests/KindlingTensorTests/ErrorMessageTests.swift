import Foundation
import Testing

@testable import KindlingTensor

/// Misuse stops with a message that names the op, the shapes or devices, and the fix, in
/// PyTorch's words. Each case runs in a child process, since a stop ends the process.
@Suite("Error messages")
struct ErrorMessageTests {
  private func stderr(of result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
  }

  @Test("shapes that do not broadcast name both sizes and the dimension")
  func broadcast() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.ones([2, 3]) + Tensor.ones([2, 4])
    }
    #expect(
      stderr(of: result).contains(
        "add: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"))
  }

  @Test("view on incompatible strides advises reshape")
  func viewNeedsReshape() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.arange(6).view(2, 3).t().view(6)
    }
    #expect(stderr(of: result).contains("view size is not compatible with input tensor's size and stride"))
    #expect(stderr(of: result).contains("Use .reshape(...) instead."))
  }

  @Test("a dimension out of range names the valid range")
  func badDimension() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.ones([2, 3]).sum(dim: 2)
    }
    #expect(stderr(of: result).contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)"))
  }

  @Test("an index out of range names the dimension and its size")
  func badIndex() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.ones([2, 3])[.all, 3]
    }
    #expect(stderr(of: result).contains("index 3 is out of bounds for dimension 1 with size 3"))
  }

  @Test("tensors on different devices name both devices")
  func devices() {
    // Without a CUDA backend (or, when KindlingGPU is linked, without a driver and GPU) a tensor
    // cannot reach a GPU: the move throws, naming the device and what is missing.
    do {
      _ = try Tensor.ones([2]).to(.cuda(7))
      Issue.record("cuda:7 should not exist")
    } catch {
      #expect("\(error)".contains("cuda:7"))
      #expect("\(error)".contains("KindlingGPU") || "\(error)".contains("CUDA"))
    }
  }

  @Test("an in-place result that does not fit the tensor's dtype says which cast fails")
  func inPlaceCast() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      Tensor([1, 2]).div_(Tensor([2, 2]))
    }
    #expect(stderr(of: result).contains("result type Float can't be cast to the desired output type Long"))
  }

  @Test("a ragged literal names the dimension and the lengths")
  func raggedLiteral() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor([[1, 2], [3]])
    }
    #expect(stderr(of: result).contains("expected sequence of length 2 at dim 1 (got 1)"))
  }
}
