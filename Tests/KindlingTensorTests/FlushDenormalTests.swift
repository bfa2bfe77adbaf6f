import Testing

@testable import KindlingTensor

/// `setFlushDenormal` (PyTorch's `torch.set_flush_denormal`): denormal results and inputs become
/// 0 while it is on, on the calling thread and in the chunks Kindling's worker threads run for it,
/// and ops give denormal numbers again once it is off.
@Suite("Flushing denormal numbers to zero")
struct FlushDenormalTests {
  /// Runs `body` with flushing on, then turns it off again whatever happens.
  private func withFlushing(_ body: () -> Void) {
    #expect(setFlushDenormal(true))
    defer { setFlushDenormal(false) }
    #expect(isFlushDenormalEnabled)
    body()
  }

  @Test("denormal float32 and float64 results and inputs become 0 while it is on, and stay denormal when off")
  func smallTensors() {
    let tiny32 = Tensor([1e-40], dtype: .float32)
    let tiny64 = Tensor([1e-310], dtype: .float64)
    let normal32 = Tensor([1e-30], dtype: .float32)
    #expect(tiny32.item(as: Float.self).isSubnormal)
    #expect(tiny64.item(as: Double.self).isSubnormal)
    #expect(!isFlushDenormalEnabled)
    withFlushing {
      #expect((tiny32 * 1).item(as: Float.self) == 0)  // a denormal input
      #expect((tiny64 * 1).item(as: Double.self) == 0)
      #expect((normal32 * 1e-10).item(as: Float.self) == 0)  // normal inputs, a denormal result
      #expect(tiny32.item(as: Float.self).isSubnormal)  // storage is not rewritten
    }
    #expect(!isFlushDenormalEnabled)
    #expect((tiny32 * 1).item(as: Float.self) == tiny32.item(as: Float.self))
    #expect((tiny64 * 1).item(as: Double.self) == tiny64.item(as: Double.self))
    #expect((normal32 * 1e-10).item(as: Float.self).isSubnormal)
  }

  @Test("the worker threads that run a large op's chunks follow the calling thread's setting")
  func parallelChunks() {
    let count = 1 << 21  // split across every core
    let tiny = Tensor.full([count], 1e-40, dtype: .float32)
    withFlushing {
      let flushed = (tiny * 1).scalars(as: Float.self)
      #expect(flushed.allSatisfy { $0 == 0 }, "every chunk flushed, \(flushed.filter { $0 != 0 }.count) not")
    }
    let kept = (tiny * 1).scalars(as: Float.self)
    #expect(kept.allSatisfy { $0.isSubnormal }, "a worker kept flushing after the caller turned it off")
  }
}
