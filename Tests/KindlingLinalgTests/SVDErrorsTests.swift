import Foundation
import KindlingTensor
import Testing

@testable import KindlingLinalg

@Suite("SVD family errors")
struct SVDErrorsTests {
  static let nan = Tensor.full([3, 3], Double.nan, dtype: .float64)

  @Test("a NaN input throws PyTorch's non-finite message, batched too; infinities do not stop the process")
  func nonFinite() throws {
    #expect(throws: LinalgError.nonFiniteInput(function: "linalg.svd", batch: nil)) { try Linalg.svd(Self.nan) }
    do {
      _ = try Linalg.svdvals(Tensor.stack([Tensor.eye(3, dtype: .float64), Self.nan]))
      Issue.record("no error")
    } catch {
      #expect(
        error.description == "linalg.svd: (Batch element 1): The algorithm failed to converge because the input "
          + "matrix contained non-finite values.")
    }
    #expect(throws: LinalgError.self) { try Linalg.pinv(Self.nan) }
    #expect(throws: LinalgError.self) { try Linalg.matrixRank(Self.nan) }
    #expect(throws: LinalgError.self) { try Linalg.matrixNorm(Self.nan, ord: 2) }
    #expect(throws: LinalgError.self) { try Linalg.cond(Self.nan) }
    #expect(try Linalg.matrixNorm(Self.nan).item().isNaN)
    let infinite = Tensor.eye(3, dtype: .float64).maskedFill(Tensor.eye(3, dtype: .float64) .== 0, .infinity)
    // Infinities reach LAPACK: PyTorch's LAPACK returns NaNs, this one (OpenBLAS's) reports no
    // convergence; either is PyTorch's behaviour for that LAPACK.
    do {
      let s = try Linalg.svdvals(infinite)
      #expect(s.isnan().any().item() != 0)
    } catch {
      guard case .didNotConverge(function: "linalg.svd", _, batch: nil) = error else {
        Issue.record("unexpected \(error)")
        return
      }
    }
  }

  /// The text a stopping `body` wrote to standard error.
  static func stderrText(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
  }

  @Test("shape, dtype and order misuse stops with PyTorch's message")
  func preconditions() async {
    let rank = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.svd(Tensor.zeros([3]))
    }
    #expect(Self.stderrText(rank).contains("linalg.svd: The input tensor A must have at least 2 dimensions."))
    let dtype = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.svdvals(Tensor.zeros([3, 3], dtype: .int64))
    }
    #expect(
      Self.stderrText(dtype).contains("linalg.svd: Expected a floating point or complex tensor as input. Got Long"))
    let order = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.matrixNorm(Tensor.zeros([3, 3]), ord: 3)
    }
    #expect(Self.stderrText(order).contains("linalg.matrix_norm: Order 3 not supported."))
    let dims = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.matrixNorm(Tensor.zeros([3, 3]), dim: (0, -2))
    }
    #expect(Self.stderrText(dims).contains("linalg.matrix_norm: dims must be different. Got (0, -2)"))
    let condOrder = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.cond(Tensor.zeros([3, 3]), p: 2.5)
    }
    #expect(Self.stderrText(condOrder).contains("linalg.cond got an invalid norm type: 2.5"))
    let condSquare = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.cond(Tensor.zeros([3, 4]), p: 1)
    }
    #expect(
      Self.stderrText(condSquare).contains(
        "linalg.cond(ord=1): A must be batches of square matrices, but they are 3 by 4 matrices"))
    let pinv = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.pinv(Tensor.zeros([3]))
    }
    #expect(
      Self.stderrText(pinv).contains(
        "linalg.pinv(Float{[3]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types"
      ))
    let rank2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.matrixRank(Tensor.zeros([3]))
    }
    #expect(
      Self.stderrText(rank2).contains(
        "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."))
  }
}
