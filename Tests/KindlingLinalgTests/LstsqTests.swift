import Foundation
import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.lstsq")
struct LstsqTests {
  @Test(
    "lstsq matches PyTorch's solution, residuals, rank, singular values and gradients",
    arguments: DecompositionFixtures.cases("lstsq"))
  func matchesPyTorch(_ c: DecompositionCase) throws {
    try DecompositionFixtures.check(c)
    try DecompositionFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every lstsq case")
  func fixtureLoads() { #expect(DecompositionFixtures.cases("lstsq").count == 24) }

  @Test("the documented example")
  func example() throws {
    let a = Tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype: .float64)
    let fit = try Linalg.lstsq(a, Tensor([1.0, 2.0, 4.0], dtype: .float64), driver: "gelsd")
    #expect(close(fit.solution, Tensor([5.0 / 6.0, 1.5], dtype: .float64)))
    #expect(close(fit.residuals, Tensor([1.0 / 6.0], dtype: .float64)))
    #expect(fit.rank.item() == 2 && fit.rank.dtype == .int64)
    #expect(fit.singularValues.shape == [2])
  }

  @Test("every driver solves a larger problem alike (the normal equations agree)")
  func larger() throws {
    let a = Tensor.randn([80, 30], dtype: .float64, generator: Generator(seed: 34))
    let b = Tensor.randn([80, 4], dtype: .float64, generator: Generator(seed: 35))
    let normal = Linalg.lstsqFullRank(a, b)
    for driver in ["gels", "gelsy", "gelsd", "gelss"] {
      #expect(close(try Linalg.lstsq(a, b, driver: driver).solution, normal, 1e-10))
    }
    let wide = try Linalg.lstsq(a.mT, b.narrow(dim: 0, start: 0, length: 30), driver: "gelsd")
    #expect(wide.solution.shape == [80, 4] && wide.rank.item() == 30)
  }

  @Test("lstsq's gradients pass gradcheck and gradgradcheck in float64: tall, wide, vectors, residuals")
  func gradients() throws {
    for (aShape, bShape, driver) in [
      ([5, 3], [5, 2], "gelsy"), ([3, 5], [3, 2], "gelsd"), ([2, 4, 4], [2, 4], "gels"),
      ([2, 5, 2], [1, 5, 3], "gelss"),
    ] {
      let a = randomLeaf(aShape, seed: 31)
      let b = randomLeaf(bShape, seed: 32)
      let both = { (x: [Tensor]) -> Tensor in
        let fit = try! Linalg.lstsq(x[0], x[1], driver: driver)
        return flattened([fit.solution, fit.residuals])
      }
      try gradcheck(both, [a, b])
      try gradgradcheck(both, [a, b])
    }
    let a = randomLeaf([4, 2], seed: 33)
    #expect(try Linalg.lstsq(a, Tensor.ones([4, 1], dtype: .float64)).solution.requiresGrad)
  }

  @Test("gels on a matrix without full rank throws PyTorch's message")
  func notFullRank() throws {
    let a = Tensor([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]], dtype: .float64)
    do {
      _ = try Linalg.lstsq(
        Tensor.stack([Tensor.eye(3, 2, dtype: .float64), a]), Tensor.ones([2, 3, 1], dtype: .float64), driver: "gels")
      Issue.record("no error")
    } catch {
      #expect(error == .notFullRank(function: "torch.linalg.lstsq", info: 2, batch: 1))
      #expect(
        error.description == "torch.linalg.lstsq: (Batch element 1): The least squares solution could not be computed "
          + "because the input matrix does not have full rank (error code: 2).")
    }
    // The other drivers find the rank instead.
    #expect(try Linalg.lstsq(a, Tensor.ones([3, 1], dtype: .float64), driver: "gelsy").rank.item() == 1)
  }

  @Test("misuse stops with PyTorch's message")
  func preconditions() async {
    let driver = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.lstsq(Tensor.zeros([3, 3]), Tensor.zeros([3, 2]), driver: "foo")
    }
    #expect(
      stderrText(driver).contains(
        "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"))
    let rows = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.lstsq(Tensor.zeros([3, 3]), Tensor.zeros([4, 2]))
    }
    #expect(
      stderrText(rows).contains(
        "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"))
    let dtypes = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.lstsq(Tensor.zeros([3, 3]), Tensor.zeros([3, 2], dtype: .float64))
    }
    #expect(
      stderrText(dtypes).contains(
        "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype Float and other's "
          + "dtype Double"))
    let dims = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.lstsq(Tensor.zeros([2, 3, 3]), Tensor.zeros([3]))
    }
    #expect(
      stderrText(dims).contains(
        "torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1"))
  }
}
