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
    roots: [(Tensor, Tensor)], retainGraph: Bool, createGraph: Bool, sink: Sink = .accumulate
  ) -> [Tensor?] {
    // 1. Number the nodes reachable from the roots, and note where each node's edges lead (one
    // flat array, by number; -1 for an input that takes no gradient) and how many edges lead to
    // each node. The rest of the run works on numbers: one hash look-up per edge in all.
    var number: [ObjectIdentifier: Int] = [:]
    var nodes: [any GradientFunction] = []
    var dependencies: [Int] = []
    var firstEdge: [Int] = []
    var edgeTargets: [Int] = []
    func numbered(_ fn: any GradientFunction) -> Int {
      if let n = number[ObjectIdentifier(fn)] { return n }
      let n = nodes.count
      number[ObjectIdentifier(fn)] = n
      nodes.append(fn)
      dependencies.append(0)
      firstEdge.append(-1)
      return n
    }
    var stack: [Int] = []
    var rootNumbers: [Int?] = []
    for (root, _) in roots {
      guard let fn = root.gradFn ?? (root.requiresGrad ? root.gradientEdge : nil) else {
        rootNumbers.append(nil)
        continue
      }
      let seen = nodes.count
      let n = numbered(fn)
      rootNumbers.append(n)
      if n == seen { stack.append(n) }
    }
    while let n = stack.popLast() {
      guard let node = nodes[n] as? GraphNode else { continue }
      firstEdge[n] = edgeTargets.count
      for edge in node.edges {
        guard let next = edge else {
          edgeTargets.append(-1)
          continue
        }
        let seen = nodes.count
        let m = numbered(next)
        edgeTargets.append(m)
        dependencies[m] += 1
        if m == seen { stack.append(m) }
      }
    }

    // 2. Gradients waiting for their node, summed over every path.
    var pending = [Tensor?](repeating: nil, count: nodes.count)
    var ready: [Int] = []
    var captured = [Tensor?](repeating: nil, count: { if case .capture(let m) = sink { m.count } else { 0 } }())

    /// Hands a gradient (or, with `nil`, the news that none comes) along one edge; the node
    /// runs once every edge into it has delivered.
    func deliver(_ gradient: Tensor?, to m: Int) {
      if let gradient { pending[m] = pending[m].map { $0 + gradient } ?? gradient }
      dependencies[m] -= 1
      if dependencies[m] == 0 { ready.append(m) }
    }

    for ((_, gradient), n) in zip(roots, rootNumbers) {
      guard let n else { continue }
      pending[n] = pending[n].map { $0 + gradient } ?? gradient
      if dependencies[n] == 0, !ready.contains(n) { ready.append(n) }
    }

    // 3. Run each node once all gradients for it have arrived.
    GradMode.with(enabled: createGraph) {
      while let n = ready.popLast() {
        let fn = nodes[n]
        guard var gradient = pending[n] else {
          // No gradient reached this node: nothing flows on, but its edges are done.
          if fn is GraphNode {
            for e in firstEdge[n]..<firstEdge[n] + (fn as! GraphNode).edges.count where edgeTargets[e] >= 0 {
              deliver(nil, to: edgeTargets[e])
            }
          }
          continue
        }
        pending[n] = nil
        if let accumulator = fn as? AccumulateGrad {
          let leaf = accumulator.variable
          for hook in leaf.gradientHooks { gradient = hook(gradient) ?? gradient }
          if case .capture(let map) = sink {
            if let index = map[ObjectIdentifier(leaf)] { captured[index] = gradient }
            continue
          }
          accumulate(gradient, into: leaf, createGraph: createGraph)
          continue
        }
        guard let node = fn as? GraphNode else { continue }
        for hook in node.gradientHooks { gradient = hook(gradient) ?? gradient }
        if let retained = node.retainedOutput {
          if case .capture(let map) = sink, let index = map[ObjectIdentifier(retained)] {
            captured[index] = gradient
          } else if case .accumulate = sink {
            retained.grad = retained.grad.map { $0 + gradient } ?? (createGraph ? gradient : gradient.detach())
          }
        }
        let inputGradients = apply(node, gradient)
        if !retainGraph { node.releaseSavedTensors() }
        for i in 0..<node.edges.count {
          let m = edgeTargets[firstEdge[n] + i]
          guard m >= 0 else { continue }
          let g = i < inputGradients.count ? inputGradients[i] : nil
          deliver(g.map { reduce($0, toShape: node.inputShapes[i], dtype: node.inputDTypes[i]) }, to: m)
        }
      }
    }
    return captured
  }

  /// Runs `node`'s rule, after checking that its saved tensors are still there and unchanged.
  static func apply(_ node: GraphNode, _ gradient: Tensor) -> [Tensor?] {
    if !node.hasSavedTensors {
      _ = node.savedOutputChecked()  // stops with PyTorch's "backward through the graph a second time" advice
    }
    if let custom = node.customBackward { return custom(gradient, node) }
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
  static func accumulate(_ gradient: Tensor, into leaf: Tensor, createGraph: Bool) {
    if let existing = leaf.grad {
      if createGraph {
        leaf.grad = existing + gradient
      } else {
        noGrad { existing.add_(gradient) }
      }
    } else {
      // The gradient takes the leaf's (contiguous) layout, PyTorch's AccumulateGrad layout
      // contract, so optimizers read it at full speed.
      let needsCopy = gradient.storage === leaf.storage || (leaf.isContiguous && !gradient.isContiguous)
      leaf.grad = createGraph ? gradient : (needsCopy ? noGrad { gradient.clone() } : gradient.detach())
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
