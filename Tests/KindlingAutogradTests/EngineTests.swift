import Foundation
import Testing

@testable import KindlingAutograd

@Suite("Backward engine")
struct EngineTests {
  @Test("a tensor used on several paths accumulates every path's gradient")
  func accumulation() {
    let x = Tensor([1.0, 2.0], requiresGrad: true)
    let y = x * x + x * 3 + x
    y.sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [6, 8])  // 2x + 4
    // A second backward through a fresh graph adds to the leaf's gradient.
    (x * 2).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [8, 10])
  }

  @Test("broadcasting in the forward is summed back in the backward, and dtypes are kept")
  func broadcasting() {
    let a = Tensor.ones([2, 3], requiresGrad: true)
    let b = Tensor([1.0, 2.0, 3.0], dtype: .float64, requiresGrad: true)
    let c = Tensor(2.0, dtype: .float32, requiresGrad: true)
    (a * b + c).sum().backward()
    #expect(a.grad!.shape == [2, 3] && a.grad!.dtype == .float32)
    #expect(b.grad!.scalars(as: Double.self) == [2, 2, 2] && b.grad!.dtype == .float64)
    #expect(c.grad!.item() == 6 && c.grad!.shape == [])
  }

  @Test("nextFunctions lists the producers, with AccumulateGrad for leaves")
  func nextFunctions() {
    let x = Tensor([1.0], requiresGrad: true), y = Tensor([2.0], requiresGrad: true), w = Tensor([3.0])
    let z = x * y + w
    let next = (z.gradFn as! GraphNode).nextFunctions
    #expect(next.count == 2)
    #expect(next[0]?.name == "MulBackward0" && next[1] == nil)
    let leaves = (next[0] as! GraphNode).nextFunctions
    #expect(leaves.map { $0?.name } == ["AccumulateGrad", "AccumulateGrad"])
    #expect((leaves[0] as! AccumulateGrad).variable === x)
  }

  @Test("in-place ops on non-leaves join the graph under PyTorch's node names")
  func inPlaceHistory() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    let y = x * 2
    y.add_(1)
    y.mul_(x)  // y = (2x + 1) x
    #expect(y.gradFn?.name == "MulBackward0")
    y.sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [5, 9, 13])  // 4x + 1
  }

  @Test("an in-place change to a tensor the graph saved is caught at backward, with PyTorch's message")
  func versionCounter() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let x = Tensor([1.0, 2.0], requiresGrad: true)
      let y = x.exp()  // saves its output
      y.add_(1)
      y.sum().backward()
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(
      text.contains("one of the variables needed for gradient computation has been modified by an inplace operation"))
  }

  @Test("in-place ops on a leaf that requires grad are refused")
  func leafInPlace() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      Tensor([1.0], requiresGrad: true).add_(1)
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains("a leaf Variable that requires grad is being used in an in-place operation."))
    // Under noGrad they are allowed, as in PyTorch (what optimizers do).
    let w = Tensor([1.0], requiresGrad: true)
    noGrad { w.sub_(Tensor([0.5])) }
    #expect(w.item() == 0.5)
  }

  @Test("hooks can replace a gradient; post-accumulate hooks see the leaf")
  func hooks() {
    let x = Tensor([1.0, 2.0], requiresGrad: true)
    let y = x * 3
    y.registerHook { $0 * 10 }
    x.registerHook { $0 + 1 }
    var seen: [Double] = []
    x.registerPostAccumulateGradHook { seen = $0.grad!.scalars(as: Double.self) }
    y.sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [31, 31])
    #expect(seen == [31, 31])
  }

  @Test("grad() returns gradients without touching .grad, and createGraph gives second derivatives")
  func functionalGrad() {
    let x = Tensor([1.0, 2.0], dtype: .float64, requiresGrad: true)
    let y = x.pow(3).sum()
    let dy = grad(outputs: [y], inputs: [x], createGraph: true)[0]!
    #expect(dy.scalars(as: Double.self) == [3, 12])
    #expect(x.grad == nil)
    // Hessian-vector product: d/dx (dy · v) = 6x ⊙ v.
    let v = Tensor([1.0, -1.0], dtype: .float64)
    let hvp = grad(outputs: [(dy * v).sum()], inputs: [x])[0]!
    #expect(hvp.scalars(as: Double.self) == [6, -12])
    let unused = Tensor([1.0], requiresGrad: true)
    #expect(grad(outputs: [(x * 2).sum()], inputs: [x, unused], allowUnused: true)[1] == nil)
  }

  @Test("backward(inputs:) accumulates only into the tensors named")
  func backwardInputs() {
    let a = Tensor([1.0], requiresGrad: true), b = Tensor([2.0], requiresGrad: true)
    (a * b).backward(inputs: [a])
    #expect(a.grad!.item() == 2 && b.grad == nil)
  }

  @Test("a gradient that reaches several leaves, or that the caller holds, becomes a separate grad of each")
  func gradientsDoNotAlias() {
    // `a + b` hands its output's gradient on unchanged to both inputs.
    let a = Tensor([1.0, 2.0], requiresGrad: true), b = Tensor([3.0, 4.0], requiresGrad: true)
    (a + b).sum().backward()
    (a + b).sum().backward()
    #expect(a.grad!.scalars(as: Double.self) == [2, 2])
    #expect(b.grad!.scalars(as: Double.self) == [2, 2])
    // The scalar case: the root's gradient itself reaches both leaves.
    let c = Tensor(1.0, requiresGrad: true), d = Tensor(2.0, requiresGrad: true)
    (c + d).backward()
    (c + d).backward()
    #expect(c.grad!.item() == 2 && d.grad!.item() == 2)
    // A gradient the caller passes in stays the caller's: accumulating does not write into it.
    let e = Tensor([1.0, 2.0], requiresGrad: true), f = Tensor([3.0, 4.0], requiresGrad: true)
    let seed = Tensor([1.0, 1.0])
    (e + f).backward(gradient: seed)
    (e + f).backward(gradient: seed)
    #expect(seed.scalars(as: Double.self) == [1, 1])
    #expect(e.grad!.scalars(as: Double.self) == [2, 2] && f.grad!.scalars(as: Double.self) == [2, 2])
    // A retained gradient is its own tensor, as PyTorch's `retain_grad` clones it.
    let x = Tensor([1.0, 2.0], requiresGrad: true)
    let y = x.clone()
    y.retainGrad()
    y.backward(gradient: Tensor([1.0, 1.0]))
    x.grad!.add_(10)
    #expect(y.grad!.scalars(as: Double.self) == [1, 1])
  }

  @Test("past 16 nodes the engine still numbers a shared node once, whichever path reaches it first")
  func largeGraphNumbering() {
    // The engine scans the nodes it has seen while there are at most 16, then hashes: a node
    // first met during the scan must keep its number after the switch.
    for longPathFirst in [true, false] {
      let x = Tensor([1.0], requiresGrad: true)
      let shared = x * 2
      var runs = 0
      shared.registerHook { _ in
        runs += 1
        return nil
      }
      var long = shared
      for _ in 0..<20 { long = long * 1.0 }
      let short = shared * 3
      (longPathFirst ? long + short : short + long).backward()
      #expect(x.grad!.item(as: Double.self) == 8)  // 2 · 1 + 2 · 3
      #expect(runs == 1, "the shared node ran once, with the sum of both paths")
    }
    let leaves = (0..<20).map { Tensor([Double($0)], requiresGrad: true) }
    var total = leaves[0] * leaves[0]
    for leaf in leaves.dropFirst() { total = total + leaf * leaf }
    total.backward()
    #expect(leaves.map { $0.grad!.item(as: Double.self) } == (0..<20).map { 2 * Double($0) })
  }

  @Test("a chain of 100,000 ops backpropagates and is freed without recursion")
  func longChain() {
    let x = Tensor([1.0], requiresGrad: true)
    var y = x
    for _ in 0..<100_000 { y = y * 1.0 }
    y.backward()
    #expect(x.grad!.item() == 1)
  }

  @Test(
    "graphs on one leaf share its accumulator while one holds it; a later graph gets a new one that still accumulates")
  func accumulatorLifetime() {
    let x = Tensor([1.0], requiresGrad: true)
    var first = Weak(nil)
    do {
      let y1 = x * 2, y2 = x * 3
      let a1 = (y1.gradFn as? GraphNode)?.nextFunctions[0] as AnyObject?
      let a2 = (y2.gradFn as? GraphNode)?.nextFunctions[0] as AnyObject?
      #expect(a1 != nil && a1 === a2)
      first = Weak(a1)
      withExtendedLifetime((y1, y2)) { #expect(first.object != nil) }
    }
    #expect(first.object == nil)
    let y3 = x * 4
    (y3 + x * 5).sum().backward()
    #expect(x.grad!.item() == 9)
  }

  @Test(
    "a graph deeper than the teardown's recursion limit is freed whole when its output goes",
    arguments: [10, 64, 65, 300, 5000])
  func teardownFreesEveryNode(length: Int) {
    let x = Tensor([1.0], requiresGrad: true)
    var nodes: [Weak] = []
    do {
      var y = x
      for _ in 0..<length {
        y = y * 1.0
        nodes.append(Weak(y.gradFn as AnyObject?))
      }
      withExtendedLifetime(y) { #expect(nodes.allSatisfy { $0.object != nil }) }
    }
    #expect(nodes.allSatisfy { $0.object == nil })
  }

  @Test("custom functions run their own backward with what the forward saved")
  func customFunction() throws {
    struct Cube: CustomFunction {
      static func forward(_ inputs: [Tensor], saving context: inout [Tensor]) -> Tensor {
        context = [inputs[0]]
        return inputs[0] * inputs[0] * inputs[0]
      }
      static func backward(_ grad: Tensor, saved: [Tensor]) -> [Tensor?] { [grad * 3 * saved[0] * saved[0]] }
    }
    let x = Tensor([1.0, -2.0, 0.5], dtype: .float64, requiresGrad: true)
    let y = Cube.apply(x)
    #expect(y.gradFn?.name == "CubeBackward")
    try gradcheck({ Cube.apply($0[0]) }, [x])
  }

  @Test("gradcheck catches a wrong backward")
  func gradcheckCatches() {
    struct Wrong: CustomFunction {
      static func forward(_ inputs: [Tensor], saving context: inout [Tensor]) -> Tensor { inputs[0] * inputs[0] }
      static func backward(_ grad: Tensor, saved: [Tensor]) -> [Tensor?] { [grad] }
    }
    let x = Tensor([1.5, 2.0], dtype: .float64, requiresGrad: true)
    #expect(throws: GradcheckFailure.self) { try gradcheck({ Wrong.apply($0[0]) }, [x]) }
  }

  @Test("anomaly mode names the node whose backward produced NaN")
  func anomaly() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      detectAnomaly {
        let x = Tensor([0.0, 1.0], requiresGrad: true)
        (x.sqrt() * 0).sum().backward()
      }
    }
    let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(text.contains("Function 'SqrtBackward0' returned nan values in its 0th output."))
  }

  @Test("memory returns to where it was after 10,000 training steps")
  func memoryIsFlat() async {
    // Allocator statistics are process-wide: measured alone in a child process.
    await #expect(processExitsWith: .success) {
      let w = Tensor.randn([8, 4], requiresGrad: true)
      let x = Tensor.randn([16, 8])
      func step() {
        let loss = (x.matmul(w).relu() - 1).pow(2).mean()
        loss.backward()
        noGrad { w.sub_(w.grad! * 0.01) }
        w.grad = nil
      }
      step()
      let before = CachingCPUAllocator.shared.statistics.bytesInUse
      for _ in 0..<10_000 { step() }
      let after = CachingCPUAllocator.shared.statistics.bytesInUse
      precondition(after == before, "bytes in use grew from \(before) to \(after)")
    }
  }
}

@Suite("Graph lifetime")
struct GraphLifetimeTests {
  @Test("a graph is freed when its output goes away, for every kind of node")
  func graphsAreFreed() {
    let x = Tensor.randn([3, 4], requiresGrad: true)
    weak var node: GraphNode?
    for build in [
      { x.softmax(dim: 1) }, { x.logSoftmax(dim: 0) }, { x.cumprod(dim: 1) }, { x.std() }, { x.norm() },
      { x.logsumexp(dim: 1) }, { x.exp() * 2 }, { x.matmul(x.t()) }, { x[0] + x[.all, 1].sum() },
    ] as [() -> Tensor] {
      do {
        let y = build()
        node = y.gradFn as? GraphNode
        #expect(node != nil)
      }
      #expect(node == nil, "the node of \(String(describing: build)) outlived its output")
    }
  }
}

@Suite("Assignment through subscripts")
struct IndexPutGradTests {
  @Test("gradients flow to the assigned value and to the elements left in place")
  func indexPutGradients() throws {
    let x = Tensor([1.0, 2.0, 3.0, 4.0], dtype: .float64, requiresGrad: true)
    let v = Tensor([10.0], dtype: .float64, requiresGrad: true)
    let y = x * 1
    y[1..<3] = v * 2  // broadcast into two elements
    #expect(y.gradFn?.name == "IndexPutBackward0")
    (y * Tensor([1.0, 2.0, 3.0, 4.0], dtype: .float64)).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [1, 0, 0, 4])
    #expect(v.grad!.scalars(as: Double.self) == [10])  // 2 · (2 + 3)
    let a = Tensor.randn([3, 4], dtype: .float64, requiresGrad: true)
    let b = Tensor.randn([2, 4], dtype: .float64, requiresGrad: true)
    try gradcheck(
      { xs in
        let t = xs[0] * 1
        t[Tensor([2, 0])] = xs[1]
        return t.pow(2)
      }, [a, b])
  }
}

/// A weak reference, to tell whether a graph node was freed.
private struct Weak {
  weak var object: AnyObject?
  init(_ object: AnyObject?) { self.object = object }
}
