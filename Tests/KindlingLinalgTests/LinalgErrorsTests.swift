import Foundation
import KindlingTensor
import Testing

@testable import KindlingLinalg

@Suite("Linalg errors")
struct LinalgErrorsTests {
  /// Rows 1 and 2 are parallel: the LU factorization finds U[3, 3] = 0.
  static let singular = Tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], dtype: .float64)

  @Test("inv of a singular matrix throws singular with PyTorch's text, batched too")
  func invSingular() {
    #expect(throws: LinalgError.singular(function: "linalg.inv", element: 3, batch: nil)) {
      try Linalg.inv(Self.singular)
    }
    do {
      _ = try Linalg.inv(Tensor.stack([Tensor.eye(3, dtype: .float64), Self.singular]))
      Issue.record("no error")
    } catch {
      #expect(
        error.description == "linalg.inv: (Batch element 1): The diagonal element 3 is zero, the inversion could not "
          + "be completed because the input matrix is singular.")
    }
    let (inverse, info) = Linalg.invEx(Tensor.stack([Tensor.eye(3, dtype: .float64), Self.singular]))
    #expect(info.scalars(as: Int32.self) == [0, 3])
    #expect(inverse.select(dim: 0, index: 1).isfinite().all().item() == 0)
  }

  @Test("solve with a singular matrix throws PyTorch's solver message; solve_ex returns info")
  func solveSingular() {
    do {
      _ = try Linalg.solve(Self.singular, Tensor.ones([3], dtype: .float64))
      Issue.record("no error")
    } catch {
      #expect(error == .singularSolve(function: "torch.linalg.solve", batch: nil))
      #expect(error.description == "torch.linalg.solve: The solver failed because the input matrix is singular.")
    }
    #expect(throws: LinalgError.singularSolve(function: "torch.linalg.solve", batch: 1)) {
      try Linalg.solve(
        Tensor.stack([Tensor.eye(3, dtype: .float64), Self.singular]), Tensor.ones([3], dtype: .float64))
    }
    let (_, info) = Linalg.solveEx(Self.singular, Tensor.ones([3, 1], dtype: .float64))
    #expect(info.item() == 3)
  }

  @Test("cholesky of a matrix that is not positive-definite names the leading minor")
  func choleskyNotPositiveDefinite() {
    let a = Tensor([[1.0, 2.0], [2.0, 1.0]], dtype: .float64)
    do {
      _ = try Linalg.cholesky(Tensor.stack([Tensor.eye(2, dtype: .float64), a]))
      Issue.record("no error")
    } catch {
      #expect(error == .notPositiveDefinite(function: "linalg.cholesky", order: 2, batch: 1))
      #expect(
        error.description == "linalg.cholesky: (Batch element 1): The factorization could not be completed because "
          + "the input is not positive-definite (the leading minor of order 2 is not positive-definite).")
    }
    #expect(Linalg.choleskyEx(Tensor([[-1.0, 0.0], [0.0, 1.0]])).info.item() == 1)
  }

  @Test("lu_factor of a singular matrix throws PyTorch's zero-pivot message")
  func luFactorSingular() {
    do {
      _ = try Linalg.luFactor(Self.singular)
      Issue.record("no error")
    } catch {
      #expect(
        error.description == "torch.linalg.lu_factor: U[3,3] is zero and using it on lu_solve would result in a "
          + "division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
          + "linalg.lu_factor_ex(A, pivot)")
    }
  }

  @Test("shape misuse stops with PyTorch's message")
  func preconditions() async {
    let square = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.inv(Tensor.zeros([2, 3]))
    }
    let squareText = String(decoding: square?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      squareText.contains("linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"))
    let shapes = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.solve(Tensor.zeros([3, 3]), Tensor.zeros([4, 2]))
    }
    let shapesText = String(decoding: shapes?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      shapesText.contains("linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)"))
  }

  @Test("lu_solve stops on pivots outside 1...n instead of moving memory that is not B's")
  func luSolvePivotsOutOfRange() async {
    for bad in [0, 4, -7] {
      let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        [bad = bad as Int] in
        let pivots = Tensor([1, Int32(bad), 3], dtype: .int32)
        _ = Linalg.luSolve(Tensor.eye(3), pivots, Tensor.ones([3, 2]))
      }
      let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
      #expect(
        text.contains(
          "linalg.lu_solve: pivots must be LAPACK's 1-based row numbers, between 1 and 3 for 3x3 matrices, but found \(bad)"
        ))
    }
  }
}
