import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

@Suite("Gradient clipping against PyTorch")
struct ClipGradTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      let kind: String
      let maxNorm: Double?
      let normType: String?
      let clipValue: Double?
      let grads: [FixtureTensor]
      let total: FixtureTensor?
      let clipped: [FixtureTensor]
    }
    let cases: [Case]
  }

  @Test("clipGradNorm returns PyTorch's total norm and scales the gradients as clip_grad_norm_ does (2, 1, 3, inf)")
  func clipNorm() throws {
    let fixture = try loadFixture("clip_grad.json", as: Fixture.self)
    let cases = fixture.cases.filter { $0.kind == "norm" }
    #expect(cases.count == 10)
    for c in cases {
      let params = c.grads.map { g in
        let p = Tensor.zerosLike(g.tensor)
        p.requiresGrad = true
        p.grad = g.tensor.clone()
        return p
      }
      let normType = c.normType == "inf" ? Double.infinity : Double(c.normType!)!
      let total = try clipGradNorm(params, maxNorm: c.maxNorm!, normType: normType)
      expectMatches(total, c.total!, "total norm \(normType)")
      for (p, expected) in zip(params, c.clipped) { expectMatches(p.grad!, expected, "clipped \(normType) \(c.maxNorm!)") }
    }
  }

  @Test("clipGradValue clamps every gradient to [-clipValue, clipValue]")
  func clipValue() throws {
    let fixture = try loadFixture("clip_grad.json", as: Fixture.self)
    for c in fixture.cases where c.kind == "value" {
      let params = c.grads.map { g in
        let p = Tensor.zerosLike(g.tensor)
        p.requiresGrad = true
        p.grad = g.tensor.clone()
        return p
      }
      clipGradValue(params, clipValue: c.clipValue!)
      for (p, expected) in zip(params, c.clipped) { expectMatches(p.grad!, expected, relativeTolerance: 0) }
    }
  }

  @Test("a non-finite norm throws with errorIfNonfinite, and no gradients give a zero norm")
  func nonfinite() throws {
    let p = Tensor([1.0, 2.0], requiresGrad: true)
    p.grad = Tensor([Float.infinity, 1])
    #expect(throws: NonfiniteGradNormError(normType: 2)) { try clipGradNorm([p], maxNorm: 1, errorIfNonfinite: true) }
    #expect(try clipGradNorm([Tensor([1.0], requiresGrad: true)], maxNorm: 1).item() == 0)
  }
}
