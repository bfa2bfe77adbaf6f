import KindlingTestSupport
import Testing

@testable import KindlingNN

@Suite("Embedding")
struct EmbeddingTests {
  @Test("lookups and weight gradients (repeated rows accumulate, padding row gets none) match PyTorch")
  func matchesPyTorch() throws {
    let fixture = try LayersFixture.load()
    for c in fixture.embeddings {
      let dtype: DType = c.dtype == "float64" ? .float64 : .float32
      let module = Embedding.fromPretrained(c.weight.tensor, freeze: false, paddingIdx: c.paddingIdx)
      #expect(module.weight.dtype == dtype && module.numEmbeddings == c.numEmbeddings)
      let y = module(c.indices.tensor)
      let label = "Embedding(\(c.numEmbeddings), \(c.embeddingDim), padding \(c.paddingIdx.map(String.init) ?? "nil")) \(c.dtype)"
      #expect(y.gradFn?.name == "EmbeddingBackward0")
      expectMatches(y, c.output, Comment(rawValue: label))
      let g = grad(outputs: [y], inputs: [module.weight], gradOutputs: [c.upstream.tensor])[0]!
      expectMatches(g, c.weightGrad, Comment(rawValue: label + " grad"))
    }
  }

  @Test("the backward passes gradcheck and gradgradcheck; the padding row gets zero gradient")
  func gradchecks() throws {
    let weight = Tensor.randn([5, 3], dtype: .float64, generator: Generator(seed: 2), requiresGrad: true)
    let indices = Tensor([[0, 2, 2], [4, 1, 0]])
    // With a padding row the analytical gradient is zero there by design (PyTorch's too), so the
    // numerical check runs without one; the fixture test covers the padding row.
    try gradcheck({ embedding(indices, weight: $0[0]) }, [weight])
    try gradgradcheck({ embedding(indices, weight: $0[0]) }, [weight])
    let padded = embedding(indices, weight: weight, paddingIdx: 2)
    let g = grad(outputs: [padded], inputs: [weight], gradOutputs: [Tensor.ones([2, 3, 3], dtype: .float64)])[0]!
    #expect(g.scalars(as: Double.self) == [2, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1])
  }

  @Test("fromPretrained keeps the table, frozen unless asked")
  func fromPretrained() {
    let table = Tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    let frozen = Embedding.fromPretrained(table)
    #expect(!frozen.weight.requiresGrad)
    #expect(frozen(Tensor([1])).scalars(as: Float.self) == [4.0, 5.1, 6.3])
    #expect(Embedding.fromPretrained(table, freeze: false).weight.requiresGrad)
    #expect(frozen.description == "Embedding(2, 3)")
  }

  @Test("an index out of range stops with PyTorch's message")
  func outOfRange() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Embedding(3, 2)(Tensor([3]))
    }
    let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(message.contains("index out of range in self"))
  }
}
