import KindlingAutograd
import KindlingTensor

/// An optimizer that updates parameters in place from their gradients (`torch.optim.Optimizer`).
///
/// Call ``zeroGrad(setToNone:)``, compute a loss, `backward()`, then ``step()``:
///
/// ```swift
/// let optimizer = Adam(model.parameters(), lr: 1e-3)
/// for (x, y) in batches {
///   optimizer.zeroGrad()
///   let loss = crossEntropy(model(x), y)
///   loss.backward()
///   optimizer.step()
/// }
/// ```
///
/// Parameters are held by identity (tensors are reference types), so the model sees every update.
/// Parameters without a gradient are skipped. Learning-rate schedulers work through
/// ``learningRates``.
public protocol Optimizer: AnyObject {
  /// The options of one parameter group.
  associatedtype Options: OptimizerOptions
  /// What the optimizer remembers per parameter between steps.
  associatedtype ParamState: OptimizerParamState

  /// The options given to the initializer, used for groups that leave an option `nil`.
  var defaults: Options { get }
  /// The parameter groups with their options; a scheduler changes their `lr`.
  var paramGroups: [OptimizerParamGroup<Options>] { get set }
  /// The state of each parameter that has taken a step, by the parameter's identity.
  var state: [ObjectIdentifier: ParamState] { get set }

  /// Updates every parameter that has a gradient, once (`optimizer.step()`), under `noGrad`.
  func step()
  /// Makes the state of a parameter that has none yet; most optimizers do that at its first step.
  func initialState(for param: Tensor, options: Options) -> ParamState?
}

extension Optimizer {
  /// Creates no state up front: the state appears at a parameter's first step.
  public func initialState(for param: Tensor, options: Options) -> ParamState? { nil }

  /// Resets the gradients of all parameters (`zero_grad`): to `nil` by default, or fills them with
  /// zeros when `setToNone` is `false`.
  ///
  /// ```swift
  /// optimizer.zeroGrad()                    // every p.grad == nil
  /// optimizer.zeroGrad(setToNone: false)    // gradients kept, filled with 0
  /// ```
  public func zeroGrad(setToNone: Bool = true) {
    for group in paramGroups {
      for param in group.params {
        guard let grad = param.grad else { continue }
        if setToNone {
          param.grad = nil
        } else {
          noGrad { _ = grad.fill_(0) }
        }
      }
    }
  }

  /// Runs `closure` (which recomputes the loss and calls `backward()`) with grad mode on, then
  /// takes a step; returns the closure's loss (`step(closure)`).
  ///
  /// ```swift
  /// let loss = optimizer.step { optimizer.zeroGrad(); let l = lossFunction(); l.backward(); return l }
  /// ```
  @discardableResult
  public func step(_ closure: () -> Tensor) -> Tensor {
    let loss = enableGrad { closure() }
    step()
    return loss
  }

  /// Adds a parameter group (`add_param_group`), e.g. layers unfrozen while fine-tuning; options
  /// left `nil` take ``defaults``.
  ///
  /// ```swift
  /// optimizer.addParamGroup(ParamGroup(params: head.parameters(), lr: 0.01))
  /// ```
  public func addParamGroup(_ group: ParamGroup) {
    let options = defaults.overridden(by: group)
    options.validate()
    var seen = Set(paramGroups.flatMap { $0.params.map(ObjectIdentifier.init) })
    for param in group.params {
      precondition(param.isLeaf, "addParamGroup: can't optimize a non-leaf Tensor")
      precondition(
        seen.insert(ObjectIdentifier(param)).inserted, "addParamGroup: some parameters appear in more than one parameter group")
      if state[ObjectIdentifier(param)] == nil, let initial = initialState(for: param, options: options) {
        state[ObjectIdentifier(param)] = initial
      }
    }
    paramGroups.append(OptimizerParamGroup(params: group.params, options: options))
  }

  /// The learning rate of each parameter group, in order; setting it changes every group's `lr`.
  ///
  /// ```swift
  /// optimizer.learningRates            // [0.1, 0.01]
  /// optimizer.learningRates = [0.05, 0.005]
  /// ```
  public var learningRates: [Double] {
    get { paramGroups.map(\.lr) }
    set {
      precondition(newValue.count == paramGroups.count, "learningRates: expected \(paramGroups.count) values, got \(newValue.count)")
      for i in paramGroups.indices { paramGroups[i].lr = newValue[i] }
    }
  }

  /// Each group's `initial_lr`, the rate schedulers start from; `nil` until a scheduler sets it.
  public var initialLearningRates: [Double?] {
    get { paramGroups.map(\.initialLR) }
    set { for i in paramGroups.indices { paramGroups[i].initialLR = newValue[i] } }
  }

  /// The momentum (or Adam's `beta1`) of each group, which ``OneCycleLR`` cycles; `nil` entries
  /// for optimizers without one.
  public var cyclicMomenta: [Double?] {
    get { paramGroups.map(\.options.cyclicMomentum) }
    set {
      precondition(newValue.count == paramGroups.count, "cyclicMomenta: expected \(paramGroups.count) values, got \(newValue.count)")
      for i in paramGroups.indices { paramGroups[i].options.cyclicMomentum = newValue[i] }
    }
  }

  /// Calls `update` under `noGrad` for every parameter with a gradient, with its group's options and
  /// its state (made by `makeState` at its first step); stores the state back.
  func forEachParameterWithGrad(
    makeState: (Tensor, Options) -> ParamState, _ update: (Tensor, Tensor, Options, inout ParamState) -> Void
  ) {
    noGrad {
      for group in paramGroups {
        for param in group.params {
          guard let grad = param.grad else { continue }
          let key = ObjectIdentifier(param)
          var paramState = state.removeValue(forKey: key) ?? makeState(param, group.options)
          update(param, grad, group.options, &paramState)
          state[key] = paramState
        }
      }
    }
  }
}

/// Validates the parameters of a new optimizer and builds its groups from `groups` and `defaults`.
func makeParamGroups<Options: OptimizerOptions>(_ groups: [ParamGroup], defaults: Options) -> [OptimizerParamGroup<Options>] {
  defaults.validate()
  precondition(!groups.isEmpty, "optimizer got an empty parameter list")
  var seen = Set<ObjectIdentifier>()
  return groups.map { group in
    let options = defaults.overridden(by: group)
    options.validate()
    for param in group.params {
      precondition(param.isLeaf, "optimizer: can't optimize a non-leaf Tensor")
      precondition(seen.insert(ObjectIdentifier(param)).inserted, "optimizer: some parameters appear in more than one parameter group")
    }
    return OptimizerParamGroup(params: group.params, options: options)
  }
}
