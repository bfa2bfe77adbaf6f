import CKindlingBLAS
import Foundation
import KindlingStorage
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// One product written by Tools/fixtures/tensor_matmul.py.
struct MatmulCase: Decodable {
  struct Input: Decodable {
    let tensor: FixtureTensor
    let permute: [Int]?
    let step0: Bool
  }
  let name: String
  let op: String
  let inputs: [Input]
  let expected: FixtureTensor
  let gradFn: String?
  let beta: Double?
  let alpha: Double?
  let equation: String?

  /// The inputs with the case's views applied; `requiresGrad` marks the stored leaves.
  func operands(requiresGrad: Bool = false) -> [Tensor] {
    inputs.map { input in
      var t = input.tensor.tensor
      if requiresGrad { t.requiresGrad = true }
      if let order = input.permute { t = t.permute(order) }
      if input.step0 { t = t.slice(dim: 0, start: 0, end: t.shape[0], step: 2) }
      return t
    }
  }

  func run(_ x: [Tensor]) -> Tensor {
    switch op {
    case "matmul": x[0].matmul(x[1])
    case "mm": x[0].mm(x[1])
    case "bmm": x[0].bmm(x[1])
    case "mv": x[0].mv(x[1])
    case "dot": x[0].dot(x[1])
    case "outer": x[0].outer(x[1])
    case "addmm": x[0].addmm(x[1], x[2], beta: beta!, alpha: alpha!)
    case "baddbmm": x[0].baddbmm(x[1], x[2], beta: beta!, alpha: alpha!)
    case "einsum": Tensor.einsum(equation!, x)
    default: fatalError("unknown op \(op)")
    }
  }
}

struct MatmulFixture: Decodable { let cases: [MatmulCase] }

@Suite("Matrix products")
struct MatmulTests {
  @Test("every product matches PyTorch: matmul's cases, mm, bmm, mv, dot, outer, addmm, baddbmm, einsum")
  func fixtures() throws {
    let fixture = try loadFixture("tensor_matmul.json", as: MatmulFixture.self)
    #expect(fixture.cases.count > 200)
    for c in fixture.cases {
      let out = c.run(c.operands())
      let tolerance: Double? = c.expected.kindlingDType == .float32 ? 1e-4 : nil
      expectMatches(out, c.expected, relativeTolerance: tolerance, absoluteTolerance: 1e-5, "\(c.name)")
    }
  }

  @Test("each op records PyTorch's grad_fn name, including matmul's fold and broadcast paths")
  func gradFnNames() throws {
    let fixture = try loadFixture("tensor_matmul.json", as: MatmulFixture.self)
    for c in fixture.cases where c.gradFn != nil {
      #expect(c.run(c.operands(requiresGrad: true)).gradFn?.name == c.gradFn, "\(c.name)")
    }
  }

  @Test("transposed operands go to BLAS as transposes: the output is the only allocation")
  func transposedViewsAreNotCopied() async {
    // Allocator statistics are process-wide, so they are read in a child process.
    let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
      let a = Tensor(scalars: (0..<(48 * 32)).map { Float($0 % 7) - 3 }, shape: [48, 32])
      let b = Tensor(scalars: (0..<(48 * 16)).map { Float($0 % 5) - 2 }, shape: [48, 16])
      let batch = Tensor(scalars: (0..<(3 * 16 * 8)).map { Double($0 % 9) }, shape: [3, 16, 8])
      let strided = Tensor(scalars: (0..<(48 * 32)).map { Float($0 % 3) }, shape: [48, 32])
      func allocations(_ body: () -> Tensor) -> Int {
        let before = CachingCPUAllocator.shared.statistics.allocations
        _ = body()
        return CachingCPUAllocator.shared.statistics.allocations - before
      }
      precondition(allocations { a.t().matmul(b) } == 1, "a.t() @ b copied an operand")  // [32, 48] @ [48, 16]
      precondition(allocations { b.t().mm(b) } == 1, "b.t().mm(b) copied an operand")
      precondition(allocations { a.t().matmul(a) } == 1, "a.t() @ a copied an operand")
      precondition(allocations { batch.mT.bmm(batch) } == 1, "bmm of a transposed batch copied")
      precondition(allocations { batch.matmul(batch.mT) } == 1, "matmul of a transposed batch copied")
      // A genuinely strided operand (every other column: no unit stride) is copied once, then multiplied.
      precondition(allocations { strided.slice(dim: 1, start: 0, end: 32, step: 2).t().mm(a) } == 2)
      // The values are those of the contiguous copies.
      let viaView = a.t().matmul(b).scalars(as: Float.self)
      let viaCopy = a.t().contiguous().matmul(b).scalars(as: Float.self)
      precondition(viaView == viaCopy, "transposed and copied operands disagree")
    }
    if let result {
      #expect(result.exitStatus == .exitCode(0), "\(String(decoding: result.standardErrorContent, as: UTF8.self))")
    }
  }

  @Test("shape, rank and dtype mismatches stop with PyTorch's messages")
  func errors() async {
    func check(_ result: ExitTest.Result?, _ message: String) {
      guard let result else { return }
      let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(stderr.contains(message), "expected \(message) in \(stderr)")
    }
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.ones([2, 3]).matmul(Tensor.ones([4, 5]))
      }, "mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.ones([2, 3], dtype: .int64).matmul(Tensor.ones([3, 2]))
      }, "expected m1 and m2 to have the same dtype, but got: long int != float")
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.ones([2, 3]).matmul(Tensor.ones([4]))
      }, "size mismatch, got input (2), mat (2x3), vec (4)")
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.ones([]).matmul(Tensor.ones([3]))
      }, "both arguments to matmul need to be at least 1D, but they are 0D and 1D")
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.ones([2, 2], dtype: .bool).mm(Tensor.ones([2, 2], dtype: .bool))
      }, "\"addmm_impl_cpu_\" not implemented for 'Bool'")
    check(
      await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.einsum("ij,jk", Tensor.ones([2, 3]), Tensor.ones([4, 4]))
      }, "einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3")
  }

  @Test("addmm with beta 0 ignores NaN in the input; k = 0 gives beta * input")
  func betaZero() {
    let nan = Tensor.full([2, 3], .nan)
    let out = nan.addmm(Tensor.ones([2, 4]), Tensor.ones([4, 3]), beta: 0)
    #expect(out.scalars(as: Float.self) == Array(repeating: 4, count: 6))
    let empty = Tensor.full([2, 3], 7).addmm(Tensor.ones([2, 0]), Tensor.ones([0, 3]), beta: 2)
    #expect(empty.scalars(as: Float.self) == Array(repeating: 14, count: 6))
  }

  @Test(
    "matmul is a few percent from cblas_sgemm alone (set KINDLING_MATMUL_BENCH=1 to print timings)",
    .enabled(if: ProcessInfo.processInfo.environment["KINDLING_MATMUL_BENCH"] != nil))
  func overhead() {
    // One thread on both sides: OpenBLAS stays on one thread and matmul splits products itself
    // across BLAS.threadCount threads.
    let threads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = threads }
    for n in [64, 128, 256, 512, 1024, 2048] {
      let a = Tensor(scalars: (0..<(n * n)).map { Float($0 % 13) / 13 }, shape: [n, n])
      let b = Tensor(scalars: (0..<(n * n)).map { Float($0 % 7) / 7 }, shape: [n, n])
      let c = Tensor(uninitializedShape: [n, n])
      let repeats = max(3, Int(2e9 / Double(2 * n * n * n)))
      func best(_ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<5 {
          let start = ContinuousClock.now
          for _ in 0..<repeats { body() }
          let d = ContinuousClock.now - start
          times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return times.min()! / Double(repeats)
      }
      let (pa, pb, pc) = (a.pointer(as: Float.self), b.pointer(as: Float.self), c.pointer(as: Float.self))
      let n32 = Int32(n)
      let direct = best {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, pa, n32, pb, n32, 0, pc, n32)
      }
      let viaMatmul = best { _ = a.matmul(b) }
      let viaTransposed = best { _ = a.t().matmul(b) }
      print(
        "matmul \(n): sgemm \(direct * 1e6) µs, matmul \(viaMatmul * 1e6) µs (\(viaMatmul / direct)), "
          + "t() \(viaTransposed * 1e6) µs")
    }
  }

  @Test("mm's output is a dense [m, n] tensor whatever the layout of mat2 it shares arrays with")
  func mmOutputLayout() {
    let a = Tensor.arange(0, 6, dtype: .float32).view(2, 3)
    let square = Tensor.arange(0, 9, dtype: .float32).view(3, 3)
    let cases: [(Tensor, Tensor)] = [
      (square, square), (a, square), (a, square.t()), (a, Tensor.arange(0, 12, dtype: .float32).view(4, 3).t()),
      (square.t(), square), (Tensor.ones([3, 3]), Tensor.ones([3, 1])),
    ]
    for (x, y) in cases {
      let out = x.mm(y)
      let (m, k, n) = (x.shape[0], x.shape[1], y.shape[1])
      #expect(out.shape == [m, n] && out.strides == [n, 1] && out.isContiguous)
      let (xs, ys) = (x.contiguous().scalars(as: Float.self), y.contiguous().scalars(as: Float.self))
      let expected = (0..<m * n).map { e in (0..<k).reduce(Float(0)) { $0 + xs[e / n * k + $1] * ys[$1 * n + e % n] } }
      #expect(out.scalars(as: Float.self) == expected, "mm of \(x.shape)·\(y.shape)")
    }
  }
}
