#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import KindlingTensor

/// Runs a graph backwards: from output gradients to the gradients of leaves (or of chosen
/// inputs), one node at a time in topological order, without recursion.
enum BackwardEngine {
  /// Where gradients end up: accumulated into leaves' `grad`, or returned for `inputs`.
  enum Sink {
    case accumulate
    case capture([ObjectIdentifier: Int])
  }

  /// Propagates `gradients` from `roots` through the graph.
  ///
  /// - Returns: with `.capture`, the gradient reaching each captured input (by index).
  @discardableResult
  static func run(
    roots: InlineList<(Tensor, Tensor)>, retainGraph: Bool, createGraph: Bool, sink: Sink = .accumulate
  ) -> [Tensor?] {
    // 1. Number the nodes reachable from the roots; the rest of the run works on numbers.
    // (Loops over indices: iterating the lists, or zipping them, copies each list first.)
    var graph = GraphRun()
    var rootNumbers = InlineList<Int>()  // -1 for a root that takes no gradient
    for i in roots.indices {
      let root = roots[i].0
      let fn = root.gradFn ?? (root.requiresGrad ? root.gradientEdge : nil)
      rootNumbers.append(fn.map { graph.number($0) } ?? -1)
    }
    graph.numberReachable()

    // 2. The roots' gradients wait at their nodes.
    var captured = [Tensor?](repeating: nil, count: { if case .capture(let m) = sink { m.count } else { 0 } }())
    for i in roots.indices where rootNumbers[i] >= 0 {
      let n = rootNumbers[i]
      graph.add(roots[i].1, to: n)
      if graph.entries[n].dependencies == 0, !graph.ready.contains(n) { graph.ready.append(n) }
    }

    // 3. Run each node once all gradients for it have arrived. Grad mode is set here rather
    // than through a closure: variables a closure captures are checked for exclusive access
    // at run time, on every access.
    let previousMode = GradMode.isEnabled
    GradMode.isEnabled = createGraph
    defer { GradMode.isEnabled = previousMode }
    defer { graph.recycle() }
    while let n = graph.ready.popLast() {
      // Moved out of the entry (no retain and release, as copying it and then clearing would cost).
      guard var gradient = graph.entries[n].pending.take() else {
        // No gradient reached this node: nothing flows on, but its edges are done.
        for m in graph.targets(of: n) where m >= 0 { graph.deliver(nil, to: m) }
        continue
      }
      guard let node = graph.entries[n].node else {
        guard let accumulator = graph.entries[n].function as? AccumulateGrad else { continue }
        let leaf = accumulator.variable
        for hook in leaf.gradientHooks { gradient = hook(gradient) ?? gradient }
        if case .capture(let map) = sink {
          if let index = map[ObjectIdentifier(leaf)] { captured[index] = gradient }
          continue
        }
        accumulate(&gradient, into: leaf, createGraph: createGraph)
        continue
      }
      for hook in node.gradientHooks { gradient = hook(gradient) ?? gradient }
      if let retained = node.retainedOutput {
        if case .capture(let map) = sink, let index = map[ObjectIdentifier(retained)] {
          captured[index] = gradient
        } else if case .accumulate = sink {
          // A copy, as PyTorch's `retain_grad` makes: the gradient itself flows on, and may
          // become a leaf's `grad`, which later backwards add into in place.
          retained.grad = retained.grad.map { $0 + gradient } ?? (createGraph ? gradient : noGrad { gradient.clone() })
        }
      }
      let inputGradients = apply(node, gradient)
      for (i, m) in graph.targets(of: n).enumerated() where m >= 0 {
        let g = i < inputGradients.count ? inputGradients[i] : nil
        graph.deliver(g.map { reduce($0, toShape: node.inputShape(i), dtype: node.inputDType(i)) }, to: m)
      }
      if !retainGraph { node.releaseSavedTensors() }
    }
    return captured
  }

  /// Runs `node`'s rule, after checking that its saved tensors are still there and unchanged.
  static func apply(_ node: GraphNode, _ gradient: Tensor) -> InlineList<Tensor?> {
    if !node.hasSavedTensors {
      _ = node.savedOutputChecked()  // stops with PyTorch's "backward through the graph a second time" advice
    }
    if let custom = node.customBackward { return InlineList(custom(gradient, node)) }
    guard let rule = GradientRules.table[node.name] else {
      preconditionFailure("\(node.name): no gradient rule is registered for this op (derivative not implemented)")
    }
    let result = rule(GradientContext(node: node, grad: gradient))
    if AnomalyMode.isEnabled {
      for (i, g) in result.enumerated() {
        guard let g, g.dtype.isFloatingPoint, g.isnan().any().item(as: Bool.self) else { continue }
        preconditionFailure(
          "Function '\(node.name)' returned nan values in its \(i)th output.")
      }
    }
    return result
  }

  /// Adds `gradient` into a leaf's `grad` and runs its post-accumulation hooks.
  ///
  /// A leaf without a gradient takes `gradient` itself when nothing else holds it (PyTorch's
  /// AccumulateGrad "steals" a gradient whose use count allows it), and a copy otherwise: a
  /// gradient that also reaches another leaf (`a + b` hands its gradient to both) or that the
  /// caller passed in must not become a `grad` that later backwards add into in place.
  static func accumulate(_ gradient: inout Tensor, into leaf: Tensor, createGraph: Bool) {
    if let existing = leaf.grad {
      if createGraph {
        leaf.grad = existing + gradient
      } else {
        _ = noGrad { existing.add_(gradient) }
      }
    } else if createGraph {
      leaf.grad = gradient
    } else {
      // The gradient takes the leaf's (contiguous) layout, PyTorch's AccumulateGrad layout
      // contract, so optimizers read it at full speed.
      let shared = !isKnownUniquelyReferenced(&gradient) || gradient.storage === leaf.storage
      if shared || (leaf.isContiguous && !gradient.isContiguous) {
        leaf.grad = noGrad { gradient.clone() }
      } else {
        leaf.grad = gradient.requiresGrad || gradient.gradFn != nil ? gradient.detach() : gradient
      }
    }
    for hook in leaf.postAccumulateHooks { hook(leaf) }
  }

  /// Undoes broadcasting (sums over broadcast dimensions) and casts to the input's dtype.
  static func reduce(_ gradient: Tensor, toShape shape: [Int], dtype: DType) -> Tensor {
    var g = gradient
    if g.shape != shape {
      let lead = g.rank - shape.count
      if lead > 0 { g = g.sum(dims: Array(0..<lead)) }
      let ones = shape.indices.filter { shape[$0] == 1 && g.shape[$0] != 1 }
      if !ones.isEmpty { g = g.sum(dims: ones, keepDim: true) }
      if g.shape != shape { g = g.reshape(shape) }
    }
    return g.dtype == dtype || !dtype.isFloatingPoint ? g : g.to(dtype)
  }
}

/// One backward's view of the graph: the nodes reachable from its roots, numbered, each with
/// the gradient waiting for it and how many of its incoming edges have yet to deliver; where
/// each node's edges lead (one flat array, by number; -1 for an input that takes no gradient);
/// and the nodes ready to run. Three arrays in all, whatever the graph, taken from the last run
/// on this thread (``GraphRunScratch``): a small backward allocates none of them.
private struct GraphRun {
  /// Up to this many nodes, a node's number is found by scanning the nodes seen so far, which
  /// costs less than hashing (a loss of a few ops); past it, a dictionary takes over.
  static let scanLimit = 16

  struct Entry {
    let function: any GradientFunction
    /// `function` as a recorded op (cast once, when the node is numbered), or `nil` for an
    /// accumulator.
    let node: GraphNode?
    /// Incoming edges that have not delivered yet.
    var dependencies = 0
    /// This node's edges in `edgeTargets` (empty for an accumulator).
    var edges = 0..<0
    /// The sum of the gradients delivered so far.
    var pending: Tensor?
  }

  var entries: [Entry] = []
  private var edgeTargets: [Int] = []
  /// Nodes to visit while numbering, then nodes ready to run.
  var ready: [Int] = []
  private var numbers: [ObjectIdentifier: Int] = [:]

  /// Arrays with more room than this many entries are not kept for the next run.
  static let recycledCapacity = 1024

  init() {
    let scratch = GraphRunScratch.current
    // Taken, not shared: a backward started during this one (from a hook) finds the scratch
    // empty and makes its own arrays.
    swap(&entries, &scratch.entries)
    swap(&edgeTargets, &scratch.edgeTargets)
    swap(&ready, &scratch.ready)
    entries.reserveCapacity(Self.scanLimit)
    edgeTargets.reserveCapacity(2 * Self.scanLimit)
    ready.reserveCapacity(Self.scanLimit)
  }

  /// Empties the arrays (releasing every node and gradient they hold) and hands them to the
  /// next run on this thread.
  mutating func recycle() {
    guard entries.capacity <= Self.recycledCapacity, edgeTargets.capacity <= 2 * Self.recycledCapacity else { return }
    entries.removeAll(keepingCapacity: true)
    edgeTargets.removeAll(keepingCapacity: true)
    ready.removeAll(keepingCapacity: true)
    let scratch = GraphRunScratch.current
    swap(&entries, &scratch.entries)
    swap(&edgeTargets, &scratch.edgeTargets)
    swap(&ready, &scratch.ready)
  }

  /// The number of `fn`; a node seen for the first time is numbered and queued for
  /// ``numberReachable()``.
  mutating func number(_ fn: any GradientFunction) -> Int {
    let id = ObjectIdentifier(fn)
    if entries.count <= Self.scanLimit {
      for n in entries.indices where ObjectIdentifier(entries[n].function) == id { return n }
    } else {
      if numbers.isEmpty { for n in entries.indices { numbers[ObjectIdentifier(entries[n].function)] = n } }
      if let n = numbers[id] { return n }
      numbers[id] = entries.count
    }
    entries.append(Entry(function: fn, node: fn as? GraphNode))
    ready.append(entries.count - 1)
    return entries.count - 1
  }

  /// Numbers every node reachable from those numbered so far, and their edges; leaves `ready`
  /// empty.
  mutating func numberReachable() {
    while let n = ready.popLast() {
      guard let node = entries[n].node else { continue }
      let first = edgeTargets.count
      for i in 0..<node.edgeCount {
        guard let next = node.edge(i) else {
          edgeTargets.append(-1)
          continue
        }
        let m = number(next)
        edgeTargets.append(m)
        entries[m].dependencies += 1
      }
      entries[n].edges = first..<edgeTargets.count
    }
  }

  /// Where node `n`'s edges lead, in input order (-1: no gradient; none for an accumulator).
  func targets(of n: Int) -> ArraySlice<Int> { edgeTargets[entries[n].edges] }

  /// Adds `gradient` to what waits for node `n`, summing over every path.
  mutating func add(_ gradient: Tensor, to n: Int) {
    entries[n].pending = entries[n].pending.map { $0 + gradient } ?? gradient
  }

  /// Hands a gradient (or, with `nil`, the news that none comes) along one edge into node `m`;
  /// the node becomes ready once every edge into it has delivered.
  mutating func deliver(_ gradient: Tensor?, to m: Int) {
    if let gradient { add(gradient, to: m) }
    entries[m].dependencies -= 1
    if entries[m].dependencies == 0 { ready.append(m) }
  }
}

/// The arrays of this thread's last backward, which the next one reuses: a backward of a few
/// ops otherwise spends a noticeable part of its time allocating and freeing them.
private final class GraphRunScratch {
  @exclusivity(unchecked) var entries: [GraphRun.Entry] = []
  @exclusivity(unchecked) var edgeTargets: [Int] = []
  @exclusivity(unchecked) var ready: [Int] = []

  /// One scratch per thread, released when the thread exits.
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { pointer in
      if let pointer { Unmanaged<GraphRunScratch>.fromOpaque(pointer).release() }
    }
    precondition(status == 0, "BackwardEngine: pthread_key_create failed with \(status)")
    return key
  }()

  /// This thread's scratch, made on first use.
  static var current: GraphRunScratch {
    if let pointer = pthread_getspecific(key) {
      return Unmanaged<GraphRunScratch>.fromOpaque(pointer).takeUnretainedValue()
    }
    let scratch = GraphRunScratch()
    pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
    return scratch
  }
}
