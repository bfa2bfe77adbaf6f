import KindlingTestSupport
import Testing

@testable import KindlingAutograd

/// `print` into a string, so a test can compare a section's output with the tour's.
struct Transcript {
  private(set) var lines: [String] = []
  mutating func print(_ items: Any...) { lines.append(items.map { "\($0)" }.joined(separator: " ")) }
  var text: String { lines.joined(separator: "\n") }
}

/// ../shared/SEED_TOUR.md, sections T12–T14: autograd's acceptance contract, printed exactly.
@Suite("Seed tour: autograd (T12–T14)")
struct SeedTourAutogradTests {
  @Test("T12 autograd basics")
  func t12() {
    var out = Transcript()
    var x = Tensor([1.0], requiresGrad: true); var y = x.pow(2)
    out.print(y); out.print(x.grad as Any); y.backward(); out.print(x.grad!)
    x = Tensor([1.0], requiresGrad: true); y = x.pow(2); y.retainGrad(); let z = 3 * y
    out.print(z); z.backward(); out.print(x.grad!, y.grad!)
    x = Tensor([1.0], requiresGrad: true); let w = Tensor([1.0], requiresGrad: true)
    let q = 2 * x.pow(2) + w.pow(2); out.print(q); q.backward(); out.print(x.grad!, w.grad!)
    x = Tensor([1.0, 2.0, 3.0], requiresGrad: true); y = x.pow(2).sum(); y.backward(); out.print(y); out.print(x.grad!)
    #expect(out.text == SeedTourText.t12)
  }

  @Test("T13 the autograd tutorial")
  func t13() {
    var out = Transcript()
    var x = Tensor.ones([3, 3]) * 3; out.print(x.requiresGrad)
    x = Tensor.ones([3, 3]); x.requiresGrad = true
    var y = (x * 3).sum(); out.print(y); out.print(y.gradFn!.name)
    x = Tensor.ones([2, 2], requiresGrad: true); y = x + 2; out.print(y)
    var z = y * y * 3; let result = z.mean(); out.print(z, result); result.backward(); out.print(x.grad!)
    x = Tensor.ones([3, 3], requiresGrad: true); y = x + 5; z = y * y; z.mean().backward()
    out.print(x.grad!); out.print(y.grad as Any)
    x = Tensor.ones([2, 2], requiresGrad: true); y = x + 2
    y.backward(gradient: Tensor.ones([2, 2]), retainGraph: true); out.print(x.grad!)
    z = y * y; out.print(z); y.backward(gradient: Tensor([[0.5, 1.0], [-1.0, 2.0]])); out.print(x.grad!)
    x = Tensor([1.0, 2.0, 3.0], requiresGrad: true); y = x * 2
    while y.data.norm().item() < 1000 { y = y * 2 }
    out.print(y); y.backward(gradient: Tensor([0.1, 1.0, 0.0001], dtype: .float32)); out.print(x.grad!)
    #expect(
      out.text == """
        false
        tensor(27., grad_fn=<SumBackward0>)
        SumBackward0
        tensor([[3., 3.],
                [3., 3.]], grad_fn=<AddBackward0>)
        tensor([[27., 27.],
                [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)
        tensor([[4.5000, 4.5000],
                [4.5000, 4.5000]])
        tensor([[1.3333, 1.3333, 1.3333],
                [1.3333, 1.3333, 1.3333],
                [1.3333, 1.3333, 1.3333]])
        nil
        tensor([[1., 1.],
                [1., 1.]])
        tensor([[9., 9.],
                [9., 9.]], grad_fn=<MulBackward0>)
        tensor([[1.5000, 2.0000],
                [0.0000, 3.0000]])
        tensor([ 512., 1024., 1536.], grad_fn=<MulBackward0>)
        tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])
        """)
  }

  @Test("T14 noGrad, detach, requiresGrad = false")
  func t14() {
    var out = Transcript()
    var x = Tensor([2.0], requiresGrad: true)
    let y = noGrad { x.pow(2) }; out.print(x.requiresGrad, y)
    out.print(x.pow(2))
    let d = x.detach(); out.print(d.requiresGrad, (x .== d).all())
    x = Tensor([1.0], requiresGrad: true); x.requiresGrad = false; out.print(x.pow(2))
    #expect(
      out.text == """
        true tensor([4.])
        tensor([4.], grad_fn=<PowBackward0>)
        false tensor(True)
        tensor([1.])
        """)
  }

  @Test("a second backward through freed buffers and an implied non-scalar gradient stop with PyTorch's words")
  func errors() async {
    let second = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let x = Tensor([1.0, 2.0], requiresGrad: true)
      let y = (x * x).sum()
      y.backward()
      y.backward()
    }
    let secondText = String(decoding: second?.standardErrorContent ?? [], as: UTF8.self)
    #expect(secondText.contains("Trying to backward through the graph a second time"))
    let implied = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      (Tensor([1.0, 2.0], requiresGrad: true) * 2).backward()
    }
    let impliedText = String(decoding: implied?.standardErrorContent ?? [], as: UTF8.self)
    #expect(impliedText.contains("grad can be implicitly created only for scalar outputs"))
  }
}
