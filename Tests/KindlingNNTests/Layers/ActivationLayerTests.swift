import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingNN

@Suite("Activation layers and functions")
struct ActivationLayerTests {
  /// The free function and the module a fixture case names, with its arguments.
  static func function(_ c: LayersFixture.Activation) -> (function: (Tensor) -> Tensor, module: Module) {
    let a = c.args
    switch c.name {
    case "relu": return ({ relu($0) }, ReLU())
    case "leakyRelu": return ({ leakyRelu($0, negativeSlope: a.negativeSlope!) }, LeakyReLU(negativeSlope: a.negativeSlope!))
    case "elu": return ({ elu($0, alpha: a.alpha!) }, ELU(alpha: a.alpha!))
    case "gelu":
      let approximate = GeluApproximation(rawValue: a.approximate!)!
      return ({ gelu($0, approximate: approximate) }, GELU(approximate: approximate))
    case "silu": return ({ silu($0) }, SiLU())
    case "sigmoid": return ({ sigmoid($0) }, Sigmoid())
    case "tanh": return ({ tanh($0) }, Tanh())
    case "softmax": return ({ softmax($0, dim: a.dim!) }, Softmax(dim: a.dim!))
    case "logSoftmax": return ({ logSoftmax($0, dim: a.dim!) }, LogSoftmax(dim: a.dim!))
    case "softplus":
      return ({ softplus($0, beta: a.beta!, threshold: a.threshold!) }, Softplus(beta: a.beta!, threshold: a.threshold!))
    case "hardtanh":
      return ({ hardtanh($0, minVal: a.minVal!, maxVal: a.maxVal!) }, Hardtanh(minVal: a.minVal!, maxVal: a.maxVal!))
    default: fatalError("unknown activation \(c.name)")
    }
  }

  @Test("every activation function and module gives PyTorch's values, gradients and grad_fn")
  func matchesPyTorch() throws {
    let fixture = try LayersFixture.load()
    #expect(fixture.activations.count == 24)
    for c in fixture.activations {
      let (function, module) = Self.function(c)
      for (label, f) in [("F.\(c.name)", function), ("\(module.typeName)", module.callAsFunction)] {
        let x = c.input.leaf
        let y = f(x)
        expectMatches(y, c.output, Comment(rawValue: "\(label) \(c.input.dtype)"))
        #expect(y.gradFn?.name == c.gradFn, Comment(rawValue: label))
        let gx = grad(outputs: [y], inputs: [x], gradOutputs: [c.upstream.tensor])[0]!
        expectMatches(gx, c.inputGrad, Comment(rawValue: "\(label) \(c.input.dtype) grad"))
      }
    }
  }

  @Test("tanh and sigmoid of a tensor sit beside Foundation's tanh of a number")
  func foundationOverloads() {
    let number: Double = tanh(0.5)
    #expect(number == Foundation.tanh(0.5))
    let t = tanh(Tensor([0.5]))
    #expect(abs(t.item() - number) < 1e-6)
    #expect(abs(sigmoid(Tensor([0.0])).item() - 0.5) < 1e-7)
  }

  @Test("Softmax without a dim picks PyTorch's legacy dimension")
  func legacySoftmaxDimension() {
    let generator = Generator(seed: 1)
    let x = Tensor.randn([2, 3, 4], generator: generator)
    #expect(Softmax()(x).sum(dim: 0).scalars(as: Double.self).allSatisfy { abs($0 - 1) < 1e-5 })
    let m = Tensor.randn([2, 3], generator: generator)
    #expect(LogSoftmax()(m).exp().sum(dim: 1).scalars(as: Double.self).allSatisfy { abs($0 - 1) < 1e-5 })
  }

  @Test("ReLU(inplace: true) overwrites its input")
  func inplaceRelu() {
    let x = Tensor([-1.0, 2.0])
    let y = ReLU(inplace: true)(x)
    #expect(y === x)
    #expect(x.scalars(as: Double.self) == [0, 2])
  }
}
