import Foundation
import KindlingTensor
import Testing

@testable import KindlingLinalg

/// The stop messages of vector_norm, matrix_power, matrix_exp, cross and multi_dot, in
/// PyTorch's words (each checked in a child process).
@Suite("Linalg product and norm errors")
struct ProductsErrorsTests {
  /// What a child process that stopped wrote to stderr.
  private func text(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
  }

  @Test("vector_norm: integer input, empty reductions without identity, narrowing dtype, repeated dim")
  func vectorNorm() async {
    let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.vectorNorm(Tensor([1, 2]))
    }
    #expect(
      text(r1).contains(
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"))
    let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.vectorNorm(Tensor.zeros([0]), ord: -1)
    }
    #expect(
      text(r2).contains(
        "linalg.vector_norm cannot compute the -1 norm on an empty tensor because the operation does not have an "
          + "identity"))
    let r3 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.vectorNorm(Tensor.zeros([2, 0]), ord: .infinity, dim: [1])
    }
    #expect(
      text(r3).contains(
        "linalg.vector_norm cannot compute the inf norm on the dimension 1because this dimension is empty and the "
          + "operation does not have an identity"))
    let r4 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.vectorNorm(Tensor.zeros([3], dtype: .float64), dtype: .float32)
    }
    #expect(
      text(r4).contains(
        "linalg.vector_norm: the dtype of the input (Double) should be convertible without narrowing to the specified "
          + "dtype (Float)"))
    let r5 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.vectorNorm(Tensor.zeros([3]), dim: [0, 0])
    }
    #expect(
      text(r5).contains(
        "dim 0 appears multiple times in the list of dims"))
  }

  @Test("matrix_power and matrix_exp: rank and square checks")
  func powerAndExp() async {
    let r6 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.matrixPower(Tensor.zeros([3]), 2)
    }
    #expect(
      text(r6).contains(
        "linalg.matrix_power: The input tensor A must have at least 2 dimensions."))
    let r7 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.matrixPower(Tensor.zeros([2, 3]), 2)
    }
    #expect(
      text(r7).contains(
        "linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices"))
    let r8 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.matrixExp(Tensor.zeros([2, 3]))
    }
    #expect(
      text(r8).contains(
        "linalg.matrix_exp: A must be batches of square matrices, but they are 2 by 3 matrices"))
    let r9 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.matrixExp(Tensor([[1, 2], [3, 4]]))
    }
    #expect(
      text(r9).contains(
        "linalg.matrix_exp: Expected a floating point or complex tensor as input. Got Long"))
  }

  @Test("cross: size-3 dimension, ranks, broadcasting")
  func cross() async {
    let r10 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.cross(Tensor.zeros([2, 2]), Tensor.zeros([2, 2]))
    }
    #expect(
      text(r10).contains(
        "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2"))
    let r11 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.cross(Tensor.zeros([3]), Tensor.zeros([2, 3]))
    }
    #expect(
      text(r11).contains(
        "linalg.cross: inputs must have the same number of dimensions."))
    let r12 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.cross(Tensor.zeros([2, 3]), Tensor.zeros([3, 3]))
    }
    #expect(
      text(r12).contains(
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"))
  }

  @Test("multi_dot: counts, ranks, dtypes and shapes")
  func multiDot() async {
    let r13 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.multiDot([Tensor.zeros([2, 2])])
    }
    #expect(
      text(r13).contains(
        "multi_dot(): expected at least 2 tensors but got 1"))
    let r14 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.multiDot([Tensor.zeros([2, 2, 2]), Tensor.zeros([2, 2])])
    }
    #expect(
      text(r14).contains(
        "multi_dot(): the first tensor must be 1D or 2D but got 3D"))
    let r15 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.multiDot([Tensor.zeros([2, 2]), Tensor.zeros([2]), Tensor.zeros([2, 2])])
    }
    #expect(
      text(r15).contains(
        "multi_dot(): tensor 1 must be 2D but got 1D"))
    let r16 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.multiDot([Tensor.zeros([2, 2]), Tensor.zeros([3, 2]), Tensor.zeros([2, 2])])
    }
    #expect(
      text(r16).contains(
        "multi_dot(): tensors 0 and 1 with shapes [2, 2] and [3, 2] cannot be multiplied"))
    let r17 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.multiDot([Tensor.zeros([2, 2]), Tensor.zeros([2, 2], dtype: .float64)])
    }
    #expect(
      text(r17).contains(
        "multi_dot(): all tensors must have be the same dtype but tensor 0 is float and tensor 1 double"))
  }
}
