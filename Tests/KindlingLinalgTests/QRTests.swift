import Foundation
import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.qr")
struct QRTests {
  @Test("qr matches PyTorch's factors and gradients", arguments: DecompositionFixtures.cases("qr"))
  func matchesPyTorch(_ c: DecompositionCase) throws {
    try DecompositionFixtures.check(c)
    try DecompositionFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every QR case")
  func fixtureLoads() { #expect(DecompositionFixtures.cases("qr").count == 18) }

  @Test("Q R rebuilds A, Q has orthonormal columns and R is upper triangular, in every mode and shape")
  func reconstruction() {
    for shape in [[5, 3], [3, 5], [4, 4], [2, 6, 2]] {
      let a = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: 7))
      let m = shape[shape.count - 2]
      let n = shape[shape.count - 1]
      let k = min(m, n)
      for mode in [QRMode.reduced, .complete] {
        let (q, r) = Linalg.qr(a, mode: mode)
        let columns = mode == .complete ? m : k
        #expect(q.shape == Array(shape.dropLast(2)) + [m, columns])
        #expect(r.shape == Array(shape.dropLast(2)) + [columns, n])
        #expect((q.matmul(r) - a).abs().max().item() < 1e-12)
        #expect((q.mT.matmul(q) - Tensor.eye(columns, dtype: .float64)).abs().max().item() < 1e-12)
        #expect(r.equal(r.triu()))
      }
      let (q, r) = Linalg.qr(a, mode: .r)
      #expect(q.shape == [0])
      #expect(r.equal(Linalg.qr(a).R))
    }
    let f32 = Linalg.qr(Tensor.randn([4, 3], generator: Generator(seed: 8)))
    #expect(f32.Q.dtype == .float32 && f32.R.dtype == .float32)
  }

  @Test("a larger matrix (LAPACK's blocked paths and workspace) factors too")
  func larger() {
    let a = Tensor.randn([90, 70], dtype: .float64, generator: Generator(seed: 12))
    for mode in [QRMode.reduced, .complete] {
      let (q, r) = Linalg.qr(a, mode: mode)
      #expect(close(q.matmul(r), a, 1e-10))
      #expect(close(q.mT.matmul(q), Tensor.eye(q.shape[1], dtype: .float64), 1e-10))
    }
  }

  @Test("empty matrices factor to empty factors (a complete Q of 0 columns is the identity)")
  func empty() {
    let (q, r) = Linalg.qr(Tensor.zeros([3, 0], dtype: .float64), mode: .complete)
    #expect(q.equal(Tensor.eye(3, dtype: .float64)) && r.shape == [3, 0])
    #expect(Linalg.qr(Tensor.zeros([0, 2])).Q.shape == [0, 0])
    #expect(Linalg.qr(Tensor.zeros([2, 0, 3])).R.shape == [2, 0, 3])
  }

  @Test("qr's gradient passes gradcheck and gradgradcheck in float64 for tall, wide and square inputs")
  func gradients() throws {
    for (shape, mode) in [([4, 3], QRMode.reduced), ([3, 5], .reduced), ([2, 3, 3], .reduced), ([2, 4], .complete)] {
      let a = randomLeaf(shape, seed: 9)
      let both = { (x: [Tensor]) -> Tensor in
        let (q, r) = Linalg.qr(x[0], mode: mode)
        return flattened([q, r])
      }
      try gradcheck(both, [a])
      try gradgradcheck(both, [a])
    }
    // Q alone and R alone (the other output's gradient is zero).
    let a = randomLeaf([4, 3], seed: 10)
    try gradcheck({ Linalg.qr($0[0]).Q }, [a])
    try gradcheck({ Linalg.qr($0[0]).R }, [a])
    // Both outputs are views of the one recorded node's packed output.
    let (q, r) = Linalg.qr(a)
    #expect(q.requiresGrad && r.requiresGrad)
  }

  @Test("backward through mode 'r', or 'complete' with more rows than columns, stops with PyTorch's message")
  func notDifferentiable() async {
    let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let a = randomLeaf([3, 2], seed: 11)
      Linalg.qr(a, mode: .r).R.sum().backward()
    }
    #expect(
      stderrText(r).contains(
        "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
          + "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."))
    let complete = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let a = randomLeaf([3, 2], seed: 11)
      Linalg.qr(a, mode: .complete).Q.sum().backward()
    }
    #expect(
      stderrText(complete).contains(
        "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."))
  }

  @Test("misuse stops with PyTorch's message")
  func preconditions() async {
    let vector = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.qr(Tensor.zeros([3]))
    }
    #expect(
      stderrText(vector).contains(
        "linalg.qr: The input tensor A must have at least 2 dimensions."))
    let integer = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Linalg.qr(Tensor.zeros([3, 3], dtype: .int32))
    }
    #expect(
      stderrText(integer).contains(
        "linalg.qr: Expected a floating point or complex tensor as input. Got Int"))
  }
}
