import Foundation
import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingLinalg

@Suite("linalg.eigh and eigvalsh")
struct EighTests {
  @Test(
    "eigh and eigvalsh match PyTorch's eigenvalues, |V|² and gradients",
    arguments: DecompositionFixtures.cases("eigh", "eigvalsh"))
  func matchesPyTorch(_ c: DecompositionCase) throws {
    try DecompositionFixtures.check(c)
    try DecompositionFixtures.check(c, nonContiguous: true)
  }

  @Test("the fixture has every eigh case")
  func fixtureLoads() { #expect(DecompositionFixtures.cases("eigh", "eigvalsh").count == 13) }

  /// A random symmetric float64 batch.
  static func symmetric(_ shape: [Int], seed: UInt64) -> Tensor {
    let m = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
    return m + m.mT
  }

  @Test("A V = V diag(L), Vᵀ V = I, eigenvalues ascending; uplo picks the triangle read")
  func invariants() throws {
    let a = Self.symmetric([3, 4, 4], seed: 21)
    let (l, v) = try Linalg.eigh(a)
    #expect(l.shape == [3, 4] && v.shape == [3, 4, 4])
    #expect((a.matmul(v) - v * l.unsqueeze(-2)).abs().max().item() < 1e-12)
    #expect((v.mT.matmul(v) - Tensor.eye(4, dtype: .float64)).abs().max().item() < 1e-12)
    let values = l.contiguous().scalars(as: Double.self)
    for b in 0..<3 { for i in 0..<3 { #expect(values[b * 4 + i] <= values[b * 4 + i + 1]) } }
    #expect(try close(Linalg.eigvalsh(a), l))
    // Only one triangle is read: garbage in the other changes nothing.
    let lower = a.tril() + Tensor.ones([4, 4], dtype: .float64).triu(diagonal: 1) * 100
    #expect(try close(Linalg.eigvalsh(lower), l))
    let upper = a.triu() + Tensor.ones([4, 4], dtype: .float64).tril(diagonal: -1) * 100
    #expect(try close(Linalg.eigvalsh(upper, uplo: "U"), l))
    #expect(close(try Linalg.eigvalsh(Tensor([[2.0, 1.0], [1.0, 2.0]])), Tensor([1.0, 3.0]), 1e-6))
    #expect(try Linalg.eigh(Tensor.zeros([2, 0, 0])).eigenvectors.shape == [2, 0, 0])
  }

  @Test("a larger matrix (LAPACK's blocked paths and workspace) decomposes too, in float32 and float64")
  func larger() throws {
    for dtype in [DType.float64, .float32] {
      let a = Self.symmetric([70, 70], seed: 24).to(dtype)
      let (l, v) = try Linalg.eigh(a)
      let tolerance = dtype == .float64 ? 1e-10 : 1e-3
      #expect(close(a.matmul(v), v * l.unsqueeze(-2), tolerance))
      #expect(close(v.mT.matmul(v), Tensor.eye(70, dtype: dtype), tolerance))
    }
  }

  /// `EighKernel` on a column-major copy of `a` (`[..., n, n]`), phase by phase or as one
  /// `?syevd` call.
  static func kernel(_ a: Tensor, upper: Bool, split: Bool) -> (values: Tensor, vectors: Tensor, info: [Int32]) {
    let matrices = a.mT.contiguous().clone()
    let kernel = EighKernel(matrices: matrices, upper: upper, vectors: true, split: split)
    let (values, info) = Linalg.lapackDispatch(a.dtype, kernel, op: "linalg.eigh", order: 0)
    return (values, matrices.mT, info)
  }

  @Test(
    "eigenvectors phase by phase (stedc's top step and ormtr split across threads) match one syevd call, both triangles, float32 and float64"
  )
  func phasesMatchSyevd() {
    // 64: the smallest order split; 65 and 97: halves of unequal size; 130: ormtr split too, in
    // column blocks of unequal width. Upper up to 128: Kindling's tridiagonal reduction; upper
    // from 512: its blocked one split across threads.
    for (dtype, upper, n) in [
      (DType.float64, false, 130), (.float64, true, 130), (.float32, false, 130), (.float32, true, 130),
      (.float64, false, 64), (.float32, true, 65), (.float64, true, 97), (.float32, true, 128), (.float64, true, 64),
      (.float64, true, 520), (.float32, true, 520),
    ] {
      let a = Self.symmetric([2, n, n], seed: 25).to(dtype)
      let phased = Self.kernel(a, upper: upper, split: true)
      let whole = Self.kernel(a, upper: upper, split: false)
      #expect(phased.info == [0, 0] && whole.info == [0, 0])
      let tolerance = dtype == .float64 ? 1e-9 : 2e-3
      #expect(close(phased.values, whole.values, tolerance), "\(dtype) upper \(upper) n \(n)")
      // Vectors agree up to sign: compare |V| and check A V = V diag(L) for the phased ones.
      #expect(close(phased.vectors.abs(), whole.vectors.abs(), tolerance * 10), "\(dtype) upper \(upper) n \(n)")
      #expect(close(a.matmul(phased.vectors), phased.vectors * phased.values.unsqueeze(-2), tolerance * 10))
      #expect(
        close(phased.vectors.mT.matmul(phased.vectors), Tensor.eye(n, dtype: dtype).expand([2, n, n]), tolerance))
    }
  }

  @Test(
    "below the split order, or for eigenvalues only, either triangle reduced by Kindling's kernel matches one syevd call"
  )
  func serialMatchesSyevd() {
    for (dtype, n, vectors, upper) in [
      (DType.float64, 16, true, true), (.float32, 33, true, true), (.float64, 63, true, false),
      (.float32, 16, false, true), (.float64, 64, false, false), (.float32, 128, false, true),
    ] {
      let a = Self.symmetric([2, n, n], seed: 31).to(dtype)
      let tolerance = dtype == .float64 ? 1e-9 : 2e-3
      var results: [(values: Tensor, vectors: Tensor)] = []
      for split in [true, false] {
        let matrices = a.mT.contiguous().clone()
        let kernel = EighKernel(matrices: matrices, upper: upper, vectors: vectors, split: split)
        let (values, info) = Linalg.lapackDispatch(a.dtype, kernel, op: "linalg.eigh", order: 0)
        #expect(info == [0, 0])
        results.append((values, matrices.mT))
      }
      let (kindling, lapack) = (results[0], results[1])
      #expect(close(kindling.values, lapack.values, tolerance), "\(dtype) n \(n) vectors \(vectors) upper \(upper)")
      guard vectors else { continue }
      #expect(close(kindling.vectors.abs(), lapack.vectors.abs(), tolerance * 10), "\(dtype) n \(n)")
      #expect(close(a.matmul(kindling.vectors), kindling.vectors * kindling.values.unsqueeze(-2), tolerance * 10))
    }
  }

  @Test("repeated eigenvalues (the merge deflates): a multiple of I, a rank-one matrix, a block diagonal one")
  func repeatedEigenvalues() {
    let n = 96
    let blocks = Tensor.zeros([n, n], dtype: .float64)
    blocks[0..<48, 0..<48] = Self.symmetric([48, 48], seed: 27)
    blocks[48..<96, 48..<96] = Self.symmetric([48, 48], seed: 27)
    for a in [Tensor.eye(n, dtype: .float64) * 3, Tensor.ones([n, n], dtype: .float64), blocks] {
      let phased = Self.kernel(a, upper: false, split: true)
      let whole = Self.kernel(a, upper: false, split: false)
      #expect(phased.info == [0] && whole.info == [0])
      #expect(close(phased.values, whole.values, 1e-10))
      #expect(close(a.matmul(phased.vectors), phased.vectors * phased.values.unsqueeze(-2), 1e-10))
      #expect(close(phased.vectors.mT.matmul(phased.vectors), Tensor.eye(n, dtype: .float64), 1e-10))
    }
  }

  @Test("matrices syevd would rescale (tiny, huge) or that hold NaN give syevd's results")
  func rescaledOrNaN() throws {
    let a = Self.symmetric([130, 130], seed: 26).to(.float32)
    let reference = try Linalg.eigvalsh(a).to(.float64)
    for scale in [1e-20, 1e20] {
      let values = try Linalg.eigvalsh(a * scale).to(.float64) / scale
      #expect(close(values, reference, 2e-3), "scale \(scale)")
      let (l, v) = try Linalg.eigh(a * scale)
      #expect(close(l.to(.float64) / scale, reference, 2e-3), "scale \(scale)")
      #expect(close(v.mT.matmul(v), Tensor.eye(130), 1e-4), "scale \(scale)")
    }
    let broken = a.clone()
    broken[5, 3] = Tensor(Float.nan)
    let phased = Self.kernel(broken, upper: false, split: true)
    let whole = Self.kernel(broken, upper: false, split: false)
    #expect(phased.info == whole.info)
  }

  @Test("eigh's and eigvalsh's gradients pass gradcheck and gradgradcheck in float64 (through a symmetric input)")
  func gradients() throws {
    let m = randomLeaf([2, 3, 3], seed: 22)
    // Eigenvalues and |V|², which do not depend on the eigenvectors' signs.
    let eigh = { (x: [Tensor]) -> Tensor in
      let (l, v) = try! Linalg.eigh(x[0] + x[0].mT)
      return flattened([l, v * v])
    }
    try gradcheck(eigh, [m])
    try gradgradcheck(eigh, [m])
    // V diag(w) Vᵀ with a fixed w: also independent of the signs.
    let w = Tensor([1.0, -2.0, 0.5], dtype: .float64)
    try gradcheck(
      { x in
        let v = try! Linalg.eigh(x[0] + x[0].mT, uplo: "U").eigenvectors
        return (v * w).matmul(v.mT)
      }, [m])
    let eigvalsh = { (x: [Tensor]) -> Tensor in try! Linalg.eigvalsh(x[0] + x[0].mT) }
    try gradcheck(eigvalsh, [m])
    try gradgradcheck(eigvalsh, [m])
    let s = Self.symmetric([3, 3], seed: 23)
    s.requiresGrad = true
    #expect(try Linalg.eigvalsh(s).gradFn?.name == "LinalgEighBackward0")
  }

  @Test("did-not-converge errors name eigenvalues, in PyTorch's words")
  func convergenceMessage() {
    let error = LinalgError.didNotConverge(function: "linalg.eigh", info: 3, batch: 1)
    #expect(
      error.description == "linalg.eigh: (Batch element 1): The algorithm failed to converge because the input matrix "
        + "is ill-conditioned or has too many repeated eigenvalues (error code: 3).")
    #expect(
      LinalgError.didNotConverge(function: "linalg.svd", info: 2, batch: nil).description.hasSuffix(
        "too many repeated singular values (error code: 2)."))
  }

  @Test("misuse stops with PyTorch's message")
  func preconditions() async {
    let square = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.eigh(Tensor.zeros([3, 4]))
    }
    #expect(
      stderrText(square).contains(
        "linalg.eigh: A must be batches of square matrices, but they are 3 by 4 matrices"))
    let uplo = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = try? Linalg.eigvalsh(Tensor.zeros([3, 3]), uplo: "X")
    }
    #expect(
      stderrText(uplo).contains(
        "Expected UPLO argument to be 'L' or 'U', but got X"))
  }
}
