import KindlingTensor

/// What an optimizer keeps for one parameter (momentum buffers, running averages, the step count),
/// as tensors named with PyTorch's keys.
public protocol OptimizerParamState {
  /// The state's tensors in PyTorch's order, e.g. `[("step", …), ("exp_avg", …), ("exp_avg_sq", …)]`.
  /// `step` is a 0-d float32 tensor as in PyTorch.
  var namedTensors: [(String, Tensor)] { get }
  /// Rebuilds the state from the tensors saved for `param` (keys as in ``namedTensors``),
  /// throwing when one is missing or has another shape than `param`.
  init(restoring saved: SavedParamState) throws(OptimizerStateError)
}

/// The saved tensors of one parameter while an optimizer loads them.
public struct SavedParamState {
  /// The tensors under `state.<index>.` with that prefix removed.
  public let entries: StateDict
  /// The parameter the state belongs to.
  public let param: Tensor
  /// The parameter's index in the state dict.
  public let index: Int

  /// The tensor under `key` as a fresh contiguous tensor of the parameter's dtype; throws when it
  /// is missing or its shape differs from the parameter's.
  public func buffer(_ key: String) throws(OptimizerStateError) -> Tensor {
    guard let saved = entries[key] else { throw .missingState(key: "state.\(index).\(key)") }
    guard saved.shape == param.shape else {
      throw .shapeMismatch(key: "state.\(index).\(key)", expected: param.shape, got: saved.shape)
    }
    let out = Tensor.emptyLike(param)
    _ = out.copy_(saved)
    return out
  }

  /// ``buffer(_:)`` when `key` was saved, else `nil`.
  public func optionalBuffer(_ key: String) throws(OptimizerStateError) -> Tensor? {
    entries[key] == nil ? nil : try buffer(key)
  }

  /// The saved step count (a 0-d tensor under `step`).
  public func step() throws(OptimizerStateError) -> Double {
    guard let saved = entries["step"] else { throw .missingState(key: "state.\(index).step") }
    guard saved.count == 1 else { throw .shapeMismatch(key: "state.\(index).step", expected: [], got: saved.shape) }
    return saved.item()
  }
}

/// A step count as PyTorch stores it: a 0-d float32 tensor.
func stepTensor(_ step: Double) -> Tensor { Tensor.full([], step, dtype: .float32) }

/// Why an optimizer state dict could not be loaded.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
  /// The saved state has another number of parameter groups.
  case groupCountMismatch(expected: Int, got: Int)
  /// A saved group has another number of parameters than the optimizer's group.
  case groupSizeMismatch(group: Int, expected: Int, got: Int)
  /// A saved tensor's shape differs from its parameter's.
  case shapeMismatch(key: String, expected: [Int], got: [Int])
  /// A tensor the optimizer needs is not in the saved state.
  case missingState(key: String)

  public var description: String {
    switch self {
    case .groupCountMismatch(let expected, let got):
      "loaded state dict has a different number of parameter groups: expected \(expected), got \(got)"
    case .groupSizeMismatch(let group, let expected, let got):
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group: "
        + "group \(group) has \(expected) parameters, the saved one \(got)"
    case .shapeMismatch(let key, let expected, let got):
      "loaded state dict has \(key) of shape \(got), but its parameter has shape \(expected)"
    case .missingState(let key): "loaded state dict lacks \(key)"
    }
  }
}

/// One saved parameter group: its options and the indices of its parameters (PyTorch's
/// `param_groups` entry). Encodes as one flat JSON object: `{"lr": 0.1, "momentum": 0.9, …,
/// "params": [0, 1]}`.
public struct SavedParamGroup<Options: OptimizerOptions>: Codable, Equatable, Sendable {
  /// The group's options.
  public var options: Options
  /// The indices of the group's parameters, numbered across all groups in order.
  public var params: [Int]
  /// The scheduler's starting learning rate (`initial_lr`), if a scheduler set one.
  public var initialLR: Double?

  public init(options: Options, params: [Int], initialLR: Double? = nil) {
    self.options = options
    self.params = params
    self.initialLR = initialLR
  }

  private enum Keys: String, CodingKey {
    case params
    case initialLR = "initial_lr"
  }

  public init(from decoder: any Decoder) throws {
    options = try Options(from: decoder)
    let container = try decoder.container(keyedBy: Keys.self)
    params = try container.decode([Int].self, forKey: .params)
    initialLR = try container.decodeIfPresent(Double.self, forKey: .initialLR)
  }

  public func encode(to encoder: any Encoder) throws {
    try options.encode(to: encoder)
    var container = encoder.container(keyedBy: Keys.self)
    try container.encodeIfPresent(initialLR, forKey: .initialLR)
    try container.encode(params, forKey: .params)
  }
}

/// An optimizer's state, as PyTorch's `optimizer.state_dict()`: the per-parameter tensors in a
/// `StateDict` under `state.<index>.<name>` (for a safetensors file) and the groups' options
/// (for JSON).
///
/// ```swift
/// let saved = optimizer.stateDict()
/// saved.state.keys            // ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.1.step", …]
/// let json = try JSONEncoder().encode(saved.paramGroups)   // [{"lr":0.001,"betas":[0.9,0.999],…,"params":[0,1]}]
/// let resumed = Adam(model.parameters(), lr: 1e-3)
/// try resumed.loadStateDict(saved)
/// ```
public struct OptimizerStateDict<Options: OptimizerOptions> {
  /// Per-parameter tensors under `state.<index>.<name>`; the tensors are the optimizer's own
  /// (not copies), as in PyTorch: save them before the next step.
  public var state: StateDict
  /// Each group's options and parameter indices.
  public var paramGroups: [SavedParamGroup<Options>]

  public init(state: StateDict, paramGroups: [SavedParamGroup<Options>]) {
    self.state = state
    self.paramGroups = paramGroups
  }
}

extension Optimizer {
  /// The optimizer's state (`state_dict()`): see ``OptimizerStateDict``.
  public func stateDict() -> OptimizerStateDict<Options> {
    var tensors = StateDict()
    var groups: [SavedParamGroup<Options>] = []
    var index = 0
    for group in paramGroups {
      var indices: [Int] = []
      for param in group.params {
        if let paramState = state[ObjectIdentifier(param)] {
          for (name, tensor) in paramState.namedTensors { tensors["state.\(index).\(name)"] = tensor }
        }
        indices.append(index)
        index += 1
      }
      groups.append(SavedParamGroup(options: group.options, params: indices, initialLR: group.initialLR))
    }
    return OptimizerStateDict(state: tensors, paramGroups: groups)
  }

  /// Replaces the state and the groups' options with `saved` (`load_state_dict`), so training
  /// continues exactly where the saved optimizer stopped. Tensors are copied and converted to
  /// their parameter's dtype. Throws, changing nothing, when the groups or shapes do not match.
  ///
  /// ```swift
  /// try optimizer.loadStateDict(checkpoint.optimizer)
  /// ```
  public func loadStateDict(_ saved: OptimizerStateDict<Options>) throws(OptimizerStateError) {
    guard saved.paramGroups.count == paramGroups.count else {
      throw .groupCountMismatch(expected: paramGroups.count, got: saved.paramGroups.count)
    }
    var newState: [ObjectIdentifier: ParamState] = [:]
    for (g, (group, savedGroup)) in zip(paramGroups, saved.paramGroups).enumerated() {
      guard group.params.count == savedGroup.params.count else {
        throw .groupSizeMismatch(group: g, expected: group.params.count, got: savedGroup.params.count)
      }
      for (param, index) in zip(group.params, savedGroup.params) {
        let entries = saved.state.entries(under: "state.\(index)")
        guard !entries.isEmpty else { continue }
        newState[ObjectIdentifier(param)] = try ParamState(
          restoring: SavedParamState(entries: entries, param: param, index: index))
      }
    }
    state = newState
    for g in paramGroups.indices {
      paramGroups[g].options = saved.paramGroups[g].options
      paramGroups[g].initialLR = saved.paramGroups[g].initialLR
    }
  }
}
