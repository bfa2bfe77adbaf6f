import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

@Suite("Optimizer steps against PyTorch's single-tensor implementations")
struct OptimizerStepTests {
  struct Fixture: Decodable {
    struct Snapshot: Decodable {
      let step: Int
      let params: [FixtureTensor]
    }
    struct Case: Decodable {
      let optimizer: String
      let dtype: String
      let options: [String: OptionValue]
      let snapshots: [Snapshot]
    }
    let problems: [[String: Problem]]
    let cases: [Case]
  }

  @Test(
    "SGD, Adam, AdamW, RMSprop, Adagrad and Adadelta follow PyTorch over 100 steps in float32 and float64",
    arguments: ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
  func matchesPyTorch(optimizerName: String) throws {
    let fixture = try loadFixture("optim_steps.json", as: Fixture.self)
    let cases = fixture.cases.filter { $0.optimizer == optimizerName }
    #expect(cases.count >= 6)
    for c in cases {
      let problem = fixture.problems[0][c.dtype]!
      let params = problem.freshParams()
      let optimizer = makeOptimizer(c.optimizer, params, c.options)
      var done = 0
      for snapshot in c.snapshots {
        train(optimizer, params, problem, steps: snapshot.step - done)
        done = snapshot.step
        for (p, expected) in zip(params, snapshot.params) {
          expectMatches(
            p, expected, relativeTolerance: 1e-6, absoluteTolerance: 1e-7,
            "\(c.optimizer) \(c.dtype) \(c.options.keys.sorted()) step \(snapshot.step)")
        }
      }
    }
  }

  @Test("a step updates the parameters in place, skips parameters without a gradient and records no graph")
  func inPlace() {
    let a = Tensor([1.0, 2.0], requiresGrad: true)
    let b = Tensor([3.0], requiresGrad: true)
    let storage = a.storage
    let optimizer = SGD([a, b], lr: 0.5)
    (a * a).sum().backward()
    optimizer.step()
    #expect(a.storage === storage)
    #expect(a.scalars(as: Double.self) == [0, 0])
    #expect(b.scalars(as: Double.self) == [3])
    #expect(a.gradFn == nil && a.isLeaf)
    #expect(optimizer.state.count == 1)
  }

  @Test("zeroGrad sets gradients to nil by default and to zeros with setToNone false")
  func zeroGrad() {
    let a = Tensor([1.0, 2.0], requiresGrad: true)
    let optimizer = Adam([a])
    (a * 3).sum().backward()
    optimizer.zeroGrad(setToNone: false)
    #expect(a.grad?.scalars(as: Double.self) == [0, 0])
    optimizer.zeroGrad()
    #expect(a.grad == nil)
  }

  @Test("parameter groups take their own options and the defaults for the rest; addParamGroup appends one")
  func paramGroups() {
    let a = Tensor([1.0], requiresGrad: true), b = Tensor([1.0], requiresGrad: true), c = Tensor([1.0], requiresGrad: true)
    let optimizer = SGD([ParamGroup(params: [a], lr: 0.1), ParamGroup(params: [b], momentum: 0.5)], lr: 0.01, momentum: 0.9)
    #expect(optimizer.learningRates == [0.1, 0.01])
    #expect(optimizer.paramGroups.map(\.options.momentum) == [0.9, 0.5])
    optimizer.addParamGroup(ParamGroup(params: [c], lr: 1.0))
    #expect(optimizer.learningRates == [0.1, 0.01, 1.0])
    for p in [a, b, c] { (p * 2).sum().backward() }
    optimizer.step()
    // p -= lr * grad with grad 2 (the first momentum step takes the gradient itself).
    #expect(a.item(as: Float.self) == 1 - Float(0.1) * 2)
    #expect(b.item(as: Float.self) == 1 - Float(0.01) * 2)
    #expect(c.item(as: Float.self) == 1 - 1 * 2)
  }

  @Test("step with a closure evaluates the loss with grad mode on and returns it")
  func closure() {
    let a = Tensor([2.0], requiresGrad: true)
    let optimizer = SGD([a], lr: 0.25)
    let loss = noGrad {
      optimizer.step {
        optimizer.zeroGrad()
        let loss = (a * a).sum()
        loss.backward()
        return loss
      }
    }
    #expect(loss.item() == 4)
    #expect(a.item() == 2 - 0.25 * 4)
  }

  @Test("a non-contiguous parameter is updated through its view")
  func nonContiguous() {
    let base = Tensor.zeros([2, 3], dtype: .float64)
    let p = base.t()
    p.requiresGrad = true
    let optimizer = SGD([p], lr: 1)
    p.grad = Tensor(scalars: [1.0, 2, 3, 4, 5, 6], shape: [3, 2])
    optimizer.step()
    #expect(p.scalars(as: Double.self) == [-1, -2, -3, -4, -5, -6])
    #expect(base.scalars(as: Double.self) == [-1, -3, -5, -2, -4, -6])
  }
}
