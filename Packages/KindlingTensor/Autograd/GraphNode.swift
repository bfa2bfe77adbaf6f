/// One recorded op of the autograd graph (PyTorch's `Node`, the object `grad_fn` shows).
///
/// The tensor layer records, for every differentiable op run while grad mode is on and some
/// input requires a gradient, the op's PyTorch name, where each input's gradient must go, the
/// tensors a gradient rule may need (the inputs and the output, as detached views), and the op's
/// attributes (a dimension, an exponent, …). It holds no gradient code: KindlingAutograd looks
/// the rule up by ``name`` and runs the graph backwards.
///
/// ```swift
/// let x = Tensor([1.0], requiresGrad: true)
/// let y = x.pow(2)
/// print(y.gradFn!.name)   // PowBackward0
/// ```
public final class GraphNode: GradientFunction {
  // Stored properties that other modules read sit behind computed ones: `@exclusivity(unchecked)`
  // holds only inside this module, and another module's direct access to a stored class property
  // pays a run-time exclusivity check (swift_beginAccess) on every read. The accessors lend the
  // value (`_read`) rather than return a copy, which would retain what it holds.
  public let name: String
  /// Values the gradient rule needs, by name (`"dim"`, `"exponent"`, …).
  public let attributes: [String: Any]
  /// Where each input's gradient goes: its producer's node, the accumulator of a leaf that
  /// requires a gradient, or `nil` when the input needs none.
  public var edges: InlineList<(any GradientFunction)?> { _read { yield edgeList } }
  @exclusivity(unchecked) private var edgeList: InlineList<(any GradientFunction)?>
  /// The number of edges (one per input): `edges.count` without lending the list.
  public var edgeCount: Int { edgeList.count }
  /// Edge `i` (`edges[i]`), read from its slot: iterating ``edges`` from another module lends
  /// and copies the whole list (a retain and a release per slot) for each node.
  public func edge(_ i: Int) -> (any GradientFunction)? { edgeList[i] }
  /// Whether input `i` takes a gradient (`edges[i] != nil`), from a bit set when the node was
  /// made, with no reference counting: rules ask it for every input.
  public func hasEdge(_ i: Int) -> Bool {
    guard i >= 0 && i < edgeList.count else { return false }
    return i < 64 ? edgeMask & (1 << UInt64(i)) != 0 : edgeList[i] != nil
  }
  /// Bit `i` set when input `i` (of the first 64) has an edge.
  private let edgeMask: UInt64
  /// Each input's shape, to undo broadcasting in the backward: read from the saved inputs (a
  /// tensor's shape never changes), and kept when ``releaseSavedTensors()`` drops them. Up to
  /// two inputs are held inline, so neither recording an op nor running it backwards allocates
  /// for them.
  public var inputShapes: InlineList<[Int]> { savedInputList?.mapInline(\.shape) ?? released!.shapes }
  /// Each input's dtype, to cast gradients back in the backward; kept like ``inputShapes``.
  public var inputDTypes: InlineList<DType> { savedInputList?.mapInline(\.dtype) ?? released!.dtypes }
  /// The number of inputs.
  public var inputCount: Int { savedInputList?.count ?? released!.shapes.count }
  /// Input `i`'s shape: `inputShapes[i]` without making the list.
  public func inputShape(_ i: Int) -> [Int] { heldInput(i)?.shape ?? released!.shapes[i] }
  /// Input `i`'s dtype: `inputDTypes[i]` without making the list.
  public func inputDType(_ i: Int) -> DType { heldInput(i)?.dtype ?? released!.dtypes[i] }
  /// Saved input `i`, or `nil` once released, read from its slot: `savedInputs?[i]` copies the
  /// whole list (a retain and a release for each slot) to read one element.
  @inline(__always) private func heldInput(_ i: Int) -> Tensor? {
    switch i {
    case 0: return savedInputList?.slot0
    case 1: return savedInputList?.slot1
    default: return savedInputList?.overflow[i - 2]
    }
  }
  /// The inputs' shapes and dtypes once the saved tensors are released.
  @exclusivity(unchecked) private var released: (shapes: InlineList<[Int]>, dtypes: InlineList<DType>)?
  /// The output's shape and dtype.
  public let outputShape: [Int]
  public let outputDType: DType
  /// The inputs (the tensors themselves, so a backward with `createGraph` connects to their
  /// history), until ``releaseSavedTensors()``.
  public var savedInputs: InlineList<Tensor>? { _read { yield savedInputList } }
  @exclusivity(unchecked) private var savedInputList: InlineList<Tensor>?
  /// The output's memory and layout: the node must not own its output tensor (which owns the
  /// node), so ``savedOutput`` rebuilds a detached view of it on demand.
  @exclusivity(unchecked) private var outputStorage: Storage?
  private let outputStrides: [Int]
  private let outputOffset: Int
  /// The storage versions of the output and of the inputs when they were saved, to detect
  /// in-place changes before the backward (the first two inputs' inline: most ops have at most
  /// two, and recording them then allocates nothing).
  private let outputVersion: Int
  private let firstVersions: (Int, Int)
  private let moreVersions: [Int]
  /// The non-leaf output whose gradient the backward keeps (`retainGrad()`).
  public var retainedOutput: Tensor? {
    _read { yield retainedOutputReference }
    set { retainedOutputReference = newValue }
  }
  @exclusivity(unchecked) private weak var retainedOutputReference: Tensor?
  /// Hooks on the output's gradient, run before this node's rule (`registerHook` on a non-leaf).
  public var gradientHooks: [(Tensor) -> Tensor?] {
    _read { yield gradientHookList }
    set { gradientHookList = newValue }
  }
  @exclusivity(unchecked) private var gradientHookList: [(Tensor) -> Tensor?] = []
  /// A backward written by the user (a custom function), used instead of a rule looked up by
  /// name: takes the output's gradient and this node, returns one gradient per input.
  public var customBackward: ((Tensor, GraphNode) -> [Tensor?])? {
    _read { yield customBackwardFunction }
    set { customBackwardFunction = newValue }
  }
  @exclusivity(unchecked) private var customBackwardFunction: ((Tensor, GraphNode) -> [Tensor?])?

  convenience init(name: String, inputs: [Tensor], output: Tensor, attributes: [String: Any]) {
    self.init(name: name, inputs: InlineList(inputs), output: output, attributes: attributes)
  }

  init(name: String, inputs: InlineList<Tensor>, output: Tensor, attributes: [String: Any]) {
    self.name = name
    self.attributes = attributes
    var mask: UInt64 = 0
    var index = 0
    self.edgeList = inputs.mapInline { input in
      defer { index += 1 }
      guard input.requiresGrad else { return nil }
      if index < 64 { mask |= 1 << UInt64(index) }
      return input.gradientEdge
    }
    self.edgeMask = mask
    self.outputShape = output.shape
    self.outputDType = output.dtype
    self.savedInputList = inputs
    self.outputStorage = output.storage
    self.outputStrides = output.strides
    self.outputOffset = output.storageOffset
    self.outputVersion = output.storage.version
    self.firstVersions = (
      inputs.count > 0 ? inputs[0].storage.version : 0, inputs.count > 1 ? inputs[1].storage.version : 0
    )
    self.moreVersions = inputs.count > 2 ? inputs[2...].map(\.storage.version) : []
  }

  /// The storage version input `i` had when it was saved.
  private func savedVersion(ofInput i: Int) -> Int {
    i == 0 ? firstVersions.0 : i == 1 ? firstVersions.1 : moreVersions[i - 2]
  }

  /// The output, as a detached view (no history), until ``releaseSavedTensors()``.
  public var savedOutput: Tensor? {
    outputStorage.map {
      Tensor(storage: $0, shape: outputShape, strides: outputStrides, storageOffset: outputOffset, dtype: outputDType)
    }
  }

  /// A custom node (see ``customBackward``) for outputs computed outside the op funnel.
  public convenience init(
    name: String, inputs: [Tensor], output: Tensor, attributes: [String: Any] = [:],
    backward: @escaping (Tensor, GraphNode) -> [Tensor?]
  ) {
    self.init(name: name, inputs: inputs, output: output, attributes: attributes)
    self.customBackward = backward
  }

  deinit {
    // Hand what this node owns to the teardown list, drop our own references, then let the
    // outermost deinit on this thread free the list in a loop.
    GraphTeardown.release(edges: &edgeList, inputs: &savedInputList)
  }

  /// The nodes this one sends gradients to, in input order (`next_functions`).
  public var nextFunctions: [(any GradientFunction)?] { Array(edgeList) }

  /// Whether the saved tensors are still held (a backward without `retainGraph` frees them).
  public var hasSavedTensors: Bool { savedInputList != nil }

  /// Drops the saved tensors so their memory can go back to the allocator.
  public func releaseSavedTensors() {
    // Moved out, not copied: a copy would retain every input only to release it again here.
    guard let inputs = savedInputList.take() else { return }
    released = (inputs.mapInline(\.shape), inputs.mapInline(\.dtype))
    outputStorage = nil
  }

  /// Saved input `i`, after checking that no in-place op changed it since the forward.
  public func savedInput(_ i: Int) -> Tensor {
    guard let t = heldInput(i) else { return savedTensorsOrStop()[i] }
    checkVersion(of: t, saved: savedVersion(ofInput: i), index: i, shape: t.shape, dtype: t.dtype)
    return t
  }

  /// The saved output, after the same check.
  public func savedOutputChecked() -> Tensor {
    _ = savedTensorsOrStop()
    let t = savedOutput!
    checkVersion(of: t, saved: outputVersion, index: 0, shape: outputShape, dtype: outputDType)
    return t
  }

  private func savedTensorsOrStop() -> InlineList<Tensor> {
    guard let savedInputs = savedInputList else {
      preconditionFailure(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have "
          + "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          + "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
          + "you need to access saved tensors after calling backward.")
    }
    return savedInputs
  }

  private func checkVersion(of t: Tensor, saved: Int, index: Int, shape: [Int], dtype: DType) {
    guard t.storage.version != saved else { return }
    preconditionFailure(
      "one of the variables needed for gradient computation has been modified by an inplace operation: "
        + "[torch.\(dtype.tensorTypeName) \(shape)], which is output \(index) of \(name), is at version "
        + "\(t.storage.version); expected version \(saved) instead. Hint: enable anomaly detection to find the "
        + "operation that failed to compute its gradient, with detectAnomaly { … }.")
  }

}

/// The node that adds a gradient into a leaf's ``Tensor/grad`` (PyTorch's `AccumulateGrad`).
public final class AccumulateGrad: GradientFunction {
  public var name: String { "AccumulateGrad" }
  /// The leaf whose gradient this node accumulates.
  public let variable: Tensor
  init(_ variable: Tensor) { self.variable = variable }
  deinit { variable.forgetAccumulator(self) }
}

extension Tensor {
  /// Where a gradient for this tensor goes: its producer, or its leaf accumulator (created on
  /// first use and shared by every node that uses the leaf).
  public var gradientEdge: any GradientFunction {
    if let gradFn { return gradFn }
    if let accumulator = gradAccumulator { return accumulator }
    let accumulator = AccumulateGrad(self)
    gradAccumulator = accumulator
    return accumulator
  }
}

/// The last step of every op: when grad mode is on and some input requires a gradient,
/// records the op on `output` as a ``GraphNode``. Outputs that cannot carry gradients
/// (integer or bool results, such as indices) record nothing. Returns `output`.
func record(
  _ output: Tensor, _ name: String, _ inputs: [Tensor], _ attributes: @autoclosure () -> [String: Any] = [:]
) -> Tensor {
  record(output, name, InlineList(inputs), attributes())
}

/// ``record(_:_:_:_:)`` with the inputs in an ``InlineList``: what the one- and two-input forms
/// call, so that recording their node allocates no arrays.
func record(
  _ output: Tensor, _ name: String, _ inputs: InlineList<Tensor>, _ attributes: @autoclosure () -> [String: Any] = [:]
) -> Tensor {
  guard output.dtype.isFloatingPoint, inputs.contains(where: { $0.requiresGrad }), GradMode.isEnabled else {
    return output
  }
  output.gradFn = GraphNode(name: name, inputs: inputs, output: output, attributes: attributes())
  return output
}

/// ``record(_:_:_:_:)`` for an op of one input, without building a list (a retain per input)
/// when nothing is recorded: most calls, with no input requiring a gradient or grad mode off
/// (every op of a backward without `createGraph`).
@inline(__always)
func record(
  _ output: Tensor, _ name: String, _ input: Tensor, _ attributes: @autoclosure () -> [String: Any] = [:]
) -> Tensor {
  guard input.requiresGrad && GradMode.isEnabled else { return output }
  return record(output, name, InlineList(input), attributes())
}

/// ``record(_:_:_:_:)`` for an op of two inputs (see the one-input form).
@inline(__always)
func record(
  _ output: Tensor, _ name: String, _ a: Tensor, _ b: Tensor, _ attributes: @autoclosure () -> [String: Any] = [:]
) -> Tensor {
  guard (a.requiresGrad || b.requiresGrad) && GradMode.isEnabled else { return output }
  return record(output, name, InlineList(a, b), attributes())
}

extension DType {
  /// `FloatTensor`-style names, as PyTorch's in-place error shows them.
  var tensorTypeName: String {
    switch self {
    case .float32: "FloatTensor"
    case .float64: "DoubleTensor"
    case .float16: "HalfTensor"
    case .bfloat16: "BFloat16Tensor"
    default: "\(pytorchTitle)Tensor"
    }
  }
}
