import KindlingTestSupport
import Testing

@testable import KindlingNN

@Suite("Dropout")
struct DropoutTests {
  @Test("after manualSeed(0) the mask and the generator's next numbers equal PyTorch's")
  func maskMatchesPyTorch() throws {
    let fixture = try LayersFixture.load()
    for c in fixture.dropouts {
      let x = c.input.tensor
      // A generator seeded 0 replays the default generator after manualSeed(0), without racing
      // the tests that use the default one.
      let generator = Generator(seed: 0)
      let y =
        switch c.kind {
        case "dropout": dropout(x, p: c.p, generator: generator)
        case "dropout1d": dropout1d(x, p: c.p, generator: generator)
        default: dropout2d(x, p: c.p, generator: generator)
        }
      expectMatches(y, c.output, Comment(rawValue: "\(c.kind) p=\(c.p) \(c.input.dtype)"))
      let after = Tensor.rand([2], dtype: x.dtype, generator: generator)
      expectMatches(after, c.after, Comment(rawValue: "\(c.kind) generator state"))
    }
  }

  @Test("the gradient is the mask (MulBackward0), and p = 1 zeroes everything")
  func gradient() {
    let generator = Generator(seed: 7)
    let x = Tensor.randn([6, 5], generator: generator, requiresGrad: true)
    let y = dropout(x, p: 0.4, generator: generator)
    #expect(y.gradFn?.name == "MulBackward0")
    y.sum().backward()
    let kept = (y.detach() .!= 0.0).to(.float32) / 0.6
    #expect(x.grad!.scalars(as: Float.self) == kept.scalars(as: Float.self))
    #expect(dropout(x, p: 1).scalars(as: Double.self).allSatisfy { $0 == 0 })
    #expect(dropout(x, p: 0.5, training: false) === x)
  }

  @Test("a probability outside [0, 1] stops with PyTorch's message")
  func badProbability() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Dropout(p: 1.5)
    }
    let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(message.contains("dropout probability has to be between 0 and 1, but got 1.5"))
  }
}

// Dropout modules draw from the default generator, so this runs with the other tests that do.
extension LayerDefaultGeneratorTests {
  @Test("the modules drop in training mode and are the identity in evaluation mode")
  func dropoutModes() {
    let x = Tensor.ones([50, 40])
    for layer in [Dropout(p: 0.3), Dropout1d(p: 0.3), Dropout2d(p: 0.3)] as [Dropout] {
      let input = layer is Dropout2d ? x.view([5, 10, 8, 5]) : (layer is Dropout1d ? x.view([5, 10, 40]) : x)
      let values = Set(layer(input).scalars(as: Double.self))
      #expect(values == [0, Double(Float(1 / 0.7))], "\(layer.typeName)")
      layer.eval()
      #expect(layer(input) === input)
    }
  }
}
