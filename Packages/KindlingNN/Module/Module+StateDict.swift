/// Saving and loading a module's tensors by name (PyTorch's `state_dict` / `load_state_dict`).
extension Module {
  /// Every parameter and buffer by dotted name, in PyTorch's order: a module's own parameters,
  /// then its own buffers, then each child's entries.
  ///
  /// The tensors are the module's own (detached views of them), not copies: save them, or clone
  /// them to keep a snapshot.
  ///
  /// ```swift
  /// Sequential(Linear(4, 8), ReLU(), Linear(8, 3)).stateDict().keys
  /// // ["0.weight", "0.bias", "2.weight", "2.bias"]
  /// ```
  public func stateDict() -> StateDict {
    var state = StateDict()
    for (prefix, module) in namedModules() {
      for (name, slot) in module.reflectedMembers().tensors {
        guard let tensor = slot.tensor else { continue }
        state[prefix.isEmpty ? name : "\(prefix).\(name)"] = tensor.detach()
      }
    }
    return state
  }

  /// Copies the tensors of `state` into this module's parameters and buffers, converting the
  /// dtype where it differs.
  ///
  /// With `strict` (the default) the keys must match exactly; without it, missing and
  /// unexpected keys are returned instead. A shape mismatch is always an error.
  ///
  /// ```swift
  /// let state = try SafeTensors.load(from: "model.safetensors").tensors
  /// try model.loadStateDict(state)
  /// ```
  /// - Throws: ``StateDictError`` naming every missing key, unexpected key and shape mismatch.
  @discardableResult
  public func loadStateDict(_ state: StateDict, strict: Bool = true) throws(StateDictError)
    -> (missingKeys: [String], unexpectedKeys: [String])
  {
    var slots: [(String, any RegisteredTensorSlot)] = []
    for (prefix, module) in namedModules() {
      for (name, slot) in module.reflectedMembers().tensors where slot.tensor != nil {
        slots.append((prefix.isEmpty ? name : "\(prefix).\(name)", slot))
      }
    }
    let known = Set(slots.map(\.0))
    let missing = slots.map(\.0).filter { state[$0] == nil }
    let unexpected = state.keys.filter { !known.contains($0) }
    var mismatches: [StateDictError.ShapeMismatch] = []
    for (key, slot) in slots {
      guard let source = state[key], let target = slot.tensor else { continue }
      if source.shape != target.shape {
        mismatches.append(.init(key: key, checkpointShape: source.shape, modelShape: target.shape))
      }
    }
    if !mismatches.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
      throw StateDictError(
        moduleName: typeName, missingKeys: strict ? missing : [], unexpectedKeys: strict ? unexpected : [],
        shapeMismatches: mismatches)
    }
    noGrad {
      for (key, slot) in slots {
        guard let source = state[key], let target = slot.tensor else { continue }
        _ = target.copy_(source)
      }
    }
    return (missing, unexpected)
  }
}

/// What went wrong loading a state dict into a module; its description reads as PyTorch's
/// `Error(s) in loading state_dict for …` message.
public struct StateDictError: Error, CustomStringConvertible, Equatable {
  /// A tensor whose shape differs between the checkpoint and the model.
  public struct ShapeMismatch: Equatable, Sendable {
    public var key: String
    public var checkpointShape: [Int]
    public var modelShape: [Int]
  }

  /// The type name of the module being loaded.
  public var moduleName: String
  /// Keys the module has and the state dict lacks.
  public var missingKeys: [String]
  /// Keys of the state dict the module does not have.
  public var unexpectedKeys: [String]
  /// Tensors whose shapes differ.
  public var shapeMismatches: [ShapeMismatch]

  public var description: String {
    func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
    func size(_ shape: [Int]) -> String { "torch.Size([\(shape.map(String.init).joined(separator: ", "))])" }
    var lines = ["Error(s) in loading state_dict for \(moduleName):"]
    if !unexpectedKeys.isEmpty { lines.append("\tUnexpected key(s) in state_dict: \(quoted(unexpectedKeys)). ") }
    if !missingKeys.isEmpty { lines.append("\tMissing key(s) in state_dict: \(quoted(missingKeys)). ") }
    for mismatch in shapeMismatches {
      lines.append(
        "\tsize mismatch for \(mismatch.key): copying a param with shape \(size(mismatch.checkpointShape)) "
          + "from checkpoint, the shape in current model is \(size(mismatch.modelShape)).")
    }
    return lines.joined(separator: "\n")
  }
}
