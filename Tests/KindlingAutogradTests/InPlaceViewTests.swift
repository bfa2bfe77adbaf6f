import KindlingTestSupport
import Testing

@testable import KindlingAutograd
@testable import KindlingTensor

/// One scenario of Tools/fixtures/autograd_inplace_views.py: leaves `x` and `y`, the weights
/// `g` (on the base) and `h` (on the view), and what PyTorch gives after the in-place op.
struct InPlaceViewCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let x: FixtureTensor
  let y: FixtureTensor
  let g: FixtureTensor
  let h: FixtureTensor
  let base: FixtureTensor
  let gradX: FixtureTensor
  let gradY: FixtureTensor
  let baseGradFn: String
  let viewGradFn: String

  var testDescription: String { name }

  /// The scenario's program, line for line as in the fixture script: returns (base, view).
  static func program(_ name: String, _ x: Tensor, _ y: Tensor) -> (Tensor, Tensor) {
    switch name {
    case "mul_ on a row":
      let b = x * 1
      let v = b[1]
      v.mul_(y)
      return (b, v)
    case "copy_ into rows of zeros":
      let b = Tensor.zeros([4, 3], dtype: .float64)
      let v = b[1..<3]
      v.copy_(y)
      return (b, v)
    case "copy_ of a scalar into a column":
      let b = x.sin()
      let v = b[.all, 0]
      v.copy_(y)
      return (b, v)
    case "add_ through a transposed view":
      let b = x * 2
      let v = b.t()[0]
      v.add_(y)
      return (b, v)
    case "two writes through one view":
      let b = x.clone()
      let v = b.narrow(dim: 1, start: 0, length: 2)
      v.mul_(2)
      v.add_(y)
      return (b, v)
    case "copy_ into a whole non-leaf":
      let b = x * 1
      b.copy_(y)
      return (b, b)
    case "mul_ on the diagonal":
      let b = x.clone()
      let v = b.diagonal()
      v.mul_(y)
      return (b, v)
    case "exp_ on a strided slice":
      let b = x + y
      let v = b[.all, .slice(step: 2)]
      v.exp_()
      return (b, v)
    default:
      preconditionFailure("unknown scenario \(name)")
    }
  }
}

@Suite("In-place ops through views (CopySlices) and copy_")
struct InPlaceViewTests {
  private struct File: Decodable { let cases: [InPlaceViewCase] }
  static let cases = (try? loadFixture("grad_inplace_views.json", as: File.self).cases) ?? []

  @Test("the fixture loads") func fixtureLoads() { #expect(Self.cases.count == 8) }

  @Test("values, node names and gradients match PyTorch", arguments: cases)
  func matchesPyTorch(_ c: InPlaceViewCase) {
    let x = c.x.tensor
    let y = c.y.tensor
    x.requiresGrad = true
    y.requiresGrad = true
    let (base, view) = InPlaceViewCase.program(c.name, x, y)
    expectMatches(base.detach(), c.base, relativeTolerance: 1e-12, "\(c.name): base")
    #expect(base.gradFn?.name == c.baseGradFn)
    #expect(view.gradFn?.name == c.viewGradFn)
    let loss = (base * c.g.tensor).sum() + (view * c.h.tensor).sum()
    let grads = grad(outputs: [loss], inputs: [x, y], allowUnused: true)
    expectMatches(grads[0] ?? Tensor.zerosLike(x), c.gradX, relativeTolerance: 1e-12, "\(c.name): dx")
    expectMatches(grads[1] ?? Tensor.zerosLike(y), c.gradY, relativeTolerance: 1e-12, "\(c.name): dy")
  }

  @Test("gradcheck and gradgradcheck through every scenario", arguments: cases)
  func finiteDifferences(_ c: InPlaceViewCase) throws {
    let h = c.h.tensor
    let g = c.g.tensor
    let f: ([Tensor]) -> Tensor = { xs in
      let (base, view) = InPlaceViewCase.program(c.name, xs[0], xs[1])
      return (base * g).sum() + (view * h).sum() + (view * view).sum()
    }
    let leaves = [c.x.tensor, c.y.tensor].map { t -> Tensor in
      t.requiresGrad = true
      return t
    }
    try gradcheck(f, leaves)
    try gradgradcheck(f, leaves)
  }

  @Test("a view is a view of the first tensor of its chain; copies and new tensors have no base")
  func bases() {
    let x = Tensor.zeros([2, 3])
    let v = x.t()[1]
    #expect(v.base === x)
    #expect(x.base == nil)
    #expect(x.clone().base == nil)
    #expect((x + 1).base == nil)
  }

  @Test("copy_ sends the gradient to the source, summed over broadcasting and cast to its dtype")
  func copyGradient() {
    let source = Tensor([1.0, 2.0, 3.0], dtype: .float32, requiresGrad: true)
    let target = Tensor.zeros([2, 3], dtype: .float64)
    target.copy_(source)
    #expect(target.gradFn?.name == "CopyBackwards")
    target.sum().backward()
    #expect(source.grad?.dtype == .float32)
    #expect(source.grad?.scalars(as: Float.self) == [2, 2, 2])
  }

  @Test("an in-place op on a view of a leaf that requires grad is refused with PyTorch's message")
  func viewOfLeaf() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let w = Tensor([1.0, 2.0], requiresGrad: true)
      w[0].mul_(2)
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains("a view of a leaf Variable that requires grad is being used in an in-place operation."))
    // Under noGrad it is allowed, as in PyTorch.
    let w = Tensor([1.0, 2.0], requiresGrad: true)
    noGrad { w[0].mul_(3) }
    #expect(w.scalars(as: Double.self) == [3, 2])
  }

  @Test("writing through a view without grad mode records nothing")
  func noGradWrite() {
    let x = Tensor([1.0, 2.0], requiresGrad: true)
    let b = x * 1
    noGrad { b[0].copy_(Tensor(5.0)) }
    #expect(b.gradFn?.name == "MulBackward0")
    #expect(b.scalars(as: Double.self) == [5, 2])
  }
}
