import Foundation
import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

@Suite("Optimizer state dicts: save, load, resume")
struct OptimizerStateDictTests {
  static let configurations: [(String, [String: OptionValue])] = [
    ("SGD", ["lr": .number(0.05), "momentum": .number(0.9), "nesterov": .flag(true)]),
    ("Adam", ["lr": .number(0.01), "amsgrad": .flag(true), "weight_decay": .number(0.1)]),
    ("AdamW", ["lr": .number(0.01)]),
    ("RMSprop", ["lr": .number(0.01), "momentum": .number(0.5), "centered": .flag(true)]),
    ("Adagrad", ["lr": .number(0.1), "lr_decay": .number(0.01)]),
    ("Adadelta", ["lr": .number(1.0)]),
  ]

  func problem() throws -> Problem {
    try loadFixture("optim_steps.json", as: OptimizerStepTests.Fixture.self).problems[0]["float32"]!
  }

  @Test(
    "50 steps, save, load into a fresh optimizer, 50 more steps equal 100 uninterrupted steps bit for bit",
    arguments: configurations.map(\.0))
  func resume(name: String) throws {
    let options = Self.configurations.first { $0.0 == name }!.1
    let problem = try problem()
    let straight = problem.freshParams()
    train(makeOptimizer(name, straight, options), straight, problem, steps: 100)

    let first = problem.freshParams()
    let optimizer = makeOptimizer(name, first, options)
    train(optimizer, first, problem, steps: 50)
    let resumed = first.map { p in
      let copy = p.detach().clone()
      copy.requiresGrad = true
      return copy
    }
    let fresh = makeOptimizer(name, resumed, ["lr": .number(123)])
    try roundTrip(from: optimizer, into: fresh)
    #expect(fresh.learningRates == optimizer.learningRates)
    train(fresh, resumed, problem, steps: 50)
    for (a, b) in zip(straight, resumed) {
      #expect(a.scalars(as: Float.self) == b.scalars(as: Float.self), "\(name)")
    }
  }

  /// Saves `source`'s state (tensors cloned, groups through JSON) and loads it into `target`.
  func roundTrip<O: Optimizer>(from source: O, into target: any Optimizer) throws {
    let saved = source.stateDict()
    let json = try JSONEncoder().encode(saved.paramGroups)
    let groups = try JSONDecoder().decode([SavedParamGroup<O.Options>].self, from: json)
    let tensors = StateDict(saved.state.map { ($0.key, $0.value.clone()) })
    let target = try #require(target as? O)
    try target.loadStateDict(OptimizerStateDict(state: tensors, paramGroups: groups))
  }

  @Test("the state dict uses PyTorch's keys and a float32 step")
  func keys() throws {
    let problem = try problem()
    let params = problem.freshParams()
    let adam = Adam(params, amsgrad: true)
    train(adam, params, problem, steps: 3)
    let saved = adam.stateDict()
    #expect(Array(saved.state.keys.prefix(4)) == ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"])
    #expect(saved.state.count == 12)
    #expect(saved.state["state.2.step"]?.dtype == .float32)
    #expect(saved.state["state.2.step"]?.item() == 3)
    #expect(saved.paramGroups.map(\.params) == [[0, 1, 2]])
    let json = String(decoding: try JSONEncoder().encode(saved.paramGroups[0]), as: UTF8.self)
    for key in ["\"lr\"", "\"betas\":[0.9,0.999]", "\"weight_decay\"", "\"amsgrad\":true", "\"params\":[0,1,2]"] {
      #expect(json.contains(key), "\(json)")
    }
  }

  @Test("loading a state for other parameter counts, shapes or groups throws a typed error and changes nothing")
  func mismatches() throws {
    let problem = try problem()
    let params = problem.freshParams()
    let adam = Adam(params)
    train(adam, params, problem, steps: 2)
    let saved = adam.stateDict()

    let fewer = Adam(Array(problem.freshParams().prefix(2)))
    #expect(throws: OptimizerStateError.groupSizeMismatch(group: 0, expected: 2, got: 3)) { try fewer.loadStateDict(saved) }

    var reshaped = problem.freshParams()
    reshaped[1] = Tensor.zeros([6], requiresGrad: true)
    let other = Adam(reshaped)
    #expect(throws: OptimizerStateError.shapeMismatch(key: "state.1.exp_avg", expected: [6], got: [5])) {
      try other.loadStateDict(saved)
    }
    #expect(other.state.isEmpty)

    let fresh = problem.freshParams()
    let twoGroups = Adam([ParamGroup(params: [fresh[0]]), ParamGroup(params: Array(fresh[1...]))])
    #expect(throws: OptimizerStateError.groupCountMismatch(expected: 2, got: 1)) { try twoGroups.loadStateDict(saved) }
  }
}
