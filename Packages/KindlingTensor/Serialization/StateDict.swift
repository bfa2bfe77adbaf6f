/// An ordered map from names to tensors: PyTorch's `state_dict()`.
///
/// Modules produce one (`model.stateDict()` with keys such as `0.weight`, `fc1.bias`,
/// `bn.running_mean`), optimizers produce one for their state, and checkpoint files store them.
/// Keys keep the order in which they were inserted, so a saved file lists tensors as PyTorch
/// would.
///
/// ```swift
/// var state = StateDict()
/// state["weight"] = Tensor.zeros([2, 3])
/// state["bias"] = Tensor.zeros([2])
/// state.keys                      // ["weight", "bias"]
/// state.scoped(under: "fc1").keys // ["fc1.weight", "fc1.bias"]
/// ```
public struct StateDict: Sequence, ExpressibleByDictionaryLiteral {
  /// The names, in insertion order.
  public private(set) var keys: [String] = []
  private var tensors: [String: Tensor] = [:]

  /// An empty state dict.
  public init() {}

  /// A state dict holding `pairs` in order; a repeated key keeps its last tensor at its first place.
  public init(_ pairs: some Sequence<(String, Tensor)>) {
    for (key, tensor) in pairs { self[key] = tensor }
  }

  public init(dictionaryLiteral elements: (String, Tensor)...) { self.init(elements) }

  /// The tensor stored under `key`; assigning `nil` removes the key, assigning a new key appends it.
  public subscript(key: String) -> Tensor? {
    get { tensors[key] }
    set {
      if let newValue {
        if tensors.updateValue(newValue, forKey: key) == nil { keys.append(key) }
      } else if tensors.removeValue(forKey: key) != nil {
        keys.removeAll { $0 == key }
      }
    }
  }

  /// The number of entries.
  public var count: Int { keys.count }

  /// Whether there are no entries.
  public var isEmpty: Bool { keys.isEmpty }

  /// Entries in insertion order.
  public func makeIterator() -> IndexingIterator<[(key: String, value: Tensor)]> {
    keys.map { (key: $0, value: tensors[$0]!) }.makeIterator()
  }

  /// The same entries with `prefix.` put in front of every key (a child's entries inside its parent).
  public func scoped(under prefix: String) -> StateDict {
    StateDict(keys.map { ("\(prefix).\($0)", tensors[$0]!) })
  }

  /// The entries whose key starts with `prefix.`, with that prefix removed.
  public func entries(under prefix: String) -> StateDict {
    let head = prefix + "."
    return StateDict(keys.filter { $0.hasPrefix(head) }.map { (String($0.dropFirst(head.count)), tensors[$0]!) })
  }

  /// Appends every entry of `other`, replacing the tensors of keys already present.
  public mutating func merge(_ other: StateDict) {
    for (key, tensor) in other { self[key] = tensor }
  }
}
