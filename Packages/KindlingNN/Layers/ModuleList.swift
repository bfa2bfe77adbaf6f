/// A list of modules registered as children `0`, `1`, … (PyTorch's `nn.ModuleList`); it has no
/// `forward` of its own.
///
/// ```swift
/// let blocks = ModuleList((0..<3).map { _ in Linear(16, 16) })
/// var x = Tensor.randn([4, 16])
/// for block in blocks { x = relu(block(x)) }
/// ```
public final class ModuleList: Module, RandomAccessCollection {
  public private(set) var elements: [Module]

  public init(_ modules: [Module] = []) {
    elements = modules
    super.init()
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { elements.count }
  public subscript(index: Int) -> Module { elements[index] }

  /// Adds a module at the end.
  public func append(_ module: Module) { elements.append(module) }

  public override func namedChildren() -> [(String, Module)] {
    elements.enumerated().map { ("\($0.offset)", $0.element) }
  }

  /// Runs of children with identical printouts fold into one line, `(0-2): 3 x Linear(...)`.
  public override func describedChildren() -> [(String, String)] {
    var result: [(String, String)] = []
    var start = 0
    let texts = elements.map(\.description)
    while start < texts.count {
      var end = start
      while end + 1 < texts.count && texts[end + 1] == texts[start] { end += 1 }
      result.append(end == start ? ("\(start)", texts[start]) : ("\(start)-\(end)", "\(end - start + 1) x \(texts[start])"))
      start = end + 1
    }
    return result
  }
}

/// Modules registered under string keys, in insertion order (PyTorch's `nn.ModuleDict`).
///
/// ```swift
/// let heads = ModuleDict(["digit": Linear(64, 10), "parity": Linear(64, 2)])
/// heads["digit"]!(features)
/// ```
public final class ModuleDict: Module {
  public private(set) var entries: [(key: String, module: Module)]

  public init(_ entries: KeyValuePairs<String, Module> = [:]) {
    self.entries = entries.map { (key: $0.key, module: $0.value) }
    super.init()
  }

  /// The keys in insertion order.
  public var keys: [String] { entries.map(\.key) }

  /// The module under `key`; assigning replaces it in place or appends a new key.
  public subscript(key: String) -> Module? {
    get { entries.first { $0.key == key }?.module }
    set {
      if let index = entries.firstIndex(where: { $0.key == key }) {
        if let newValue { entries[index].module = newValue } else { entries.remove(at: index) }
      } else if let newValue {
        entries.append((key, newValue))
      }
    }
  }

  public override func namedChildren() -> [(String, Module)] { entries.map { ($0.key, $0.module) } }
}
