/// Walking a module tree: children, submodules, parameters and buffers (PyTorch's
/// `named_children`, `modules`, `named_parameters`, `buffers`, …).
extension Module {
  /// The direct children (``namedChildren()`` without the names).
  public func children() -> [Module] { namedChildren().map(\.1) }

  /// This module and every module below it, depth first, each once, with dotted names
  /// (`""` for this module, then `fc1`, `block.0`, …).
  public func namedModules(prefix: String = "") -> [(String, Module)] {
    var seen = Set<ObjectIdentifier>()
    var result: [(String, Module)] = []
    func visit(_ module: Module, _ name: String) {
      guard seen.insert(ObjectIdentifier(module)).inserted else { return }
      result.append((name, module))
      for (childName, child) in module.namedChildren() {
        visit(child, name.isEmpty ? childName : "\(name).\(childName)")
      }
    }
    visit(self, prefix)
    return result
  }

  /// This module and every module below it (``namedModules(prefix:)`` without the names).
  public func modules() -> [Module] { namedModules().map(\.1) }

  /// The parameters with dotted names (`fc1.weight`), each tensor once even when shared.
  ///
  /// ```swift
  /// Linear(3, 2).namedParameters().map(\.0)   // ["weight", "bias"]
  /// ```
  public func namedParameters(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
    namedTensors(.parameter, prefix: prefix, recurse: recurse)
  }

  /// The parameters, each once: what an optimizer is given.
  ///
  /// ```swift
  /// let optimizer = SGD(model.parameters(), lr: 0.1)
  /// ```
  public func parameters(recurse: Bool = true) -> [Tensor] {
    namedParameters(recurse: recurse).map(\.1)
  }

  /// The buffers with dotted names (`bn.running_mean`).
  public func namedBuffers(prefix: String = "", recurse: Bool = true) -> [(String, Tensor)] {
    namedTensors(.buffer, prefix: prefix, recurse: recurse)
  }

  /// The buffers (running statistics and other saved state that is not trained).
  public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.1) }

  /// The number of parameter elements (each shared tensor counted once).
  public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

  /// The number of parameter elements that require grad (not frozen).
  public var trainableParameterCount: Int {
    parameters().filter(\.requiresGrad).reduce(0) { $0 + $1.count }
  }

  /// Calls `body` on every child subtree first, then on this module (PyTorch's `apply`), e.g. to
  /// initialize weights.
  ///
  /// ```swift
  /// model.apply { if let linear = $0 as? Linear { Init.zeros_(linear.weight) } }
  /// ```
  @discardableResult
  public func apply(_ body: (Module) -> Void) -> Self {
    for child in children() { child.apply(body) }
    body(self)
    return self
  }

  /// Every `(dotted name, slot)` of one kind below `prefix`, duplicates removed by identity.
  func namedSlots(_ kind: RegisteredTensorKind, prefix: String = "", recurse: Bool = true)
    -> [(String, any RegisteredTensorSlot)]
  {
    var seen = Set<ObjectIdentifier>()
    var result: [(String, any RegisteredTensorSlot)] = []
    let modules = recurse ? namedModules(prefix: prefix) : [(prefix, self)]
    for (moduleName, module) in modules {
      for (name, slot) in module.reflectedMembers().tensors where slot.kind == kind {
        guard let tensor = slot.tensor, seen.insert(ObjectIdentifier(tensor)).inserted else { continue }
        result.append((moduleName.isEmpty ? name : "\(moduleName).\(name)", slot))
      }
    }
    return result
  }

  private func namedTensors(_ kind: RegisteredTensorKind, prefix: String, recurse: Bool) -> [(String, Tensor)] {
    namedSlots(kind, prefix: prefix, recurse: recurse).map { ($0.0, $0.1.tensor!) }
  }
}
