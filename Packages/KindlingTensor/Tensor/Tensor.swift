import KindlingStorage

/// An n-dimensional array: a view (shape, strides, offset, dtype) of a shared ``Storage``.
///
/// A `Tensor` is PyTorch's tensor without Python: views such as ``view(_:)``, slicing,
/// ``t()`` or ``expand(_:)`` share their storage, so writing through one is seen by all; ops
/// return new tensors; in-place forms (`+=`, `add_(_:)`-style methods ending in `_`) change
/// the storage. Every op goes through one funnel (see `Tensor+Dispatch.swift`) that checks
/// devices and records the op for autograd.
///
/// ```swift
/// let x = Tensor([[1, 2], [3, 4]])      // int64, shape [2, 2]
/// let y = (x + 1).t()                    // a transposed view of a new tensor
/// print(y)
/// // tensor([[2, 4],
/// //         [3, 5]])
/// ```
public final class Tensor: @unchecked Sendable {
  /// The memory this tensor views; other tensors may view it too.
  public let storage: Storage
  /// The size of each dimension: `[]` for a scalar. Prints as `[3, 4]`.
  public let shape: [Int]
  /// How many elements to step in storage to move one along each dimension.
  public let strides: [Int]
  /// Where the first element sits in storage, in elements.
  public let storageOffset: Int
  /// The element type.
  public let dtype: DType
  /// `true` for a tensor made from a plain Swift number (`x + 2`), which takes part in type
  /// promotion as PyTorch's Python numbers do: it yields to tensors of its category.
  public let isWrappedNumber: Bool
  /// Whether the elements are densely packed in row-major order (`is_contiguous()`); worked
  /// out once, when the tensor is made, since every op asks.
  public let isContiguous: Bool

  // MARK: Autograd's slots (filled by KindlingAutograd)

  /// Whether gradients flow to this tensor (`requires_grad`).
  ///
  /// Only floating-point tensors can require gradients, and only leaves (tensors no recorded
  /// op produced) can be switched by hand.
  public var requiresGrad: Bool {
    get { requiresGradStorage || gradFn != nil }
    set {
      precondition(
        gradFn == nil || newValue,
        "requiresGrad: you can only change requires_grad flags of leaf variables. If you want to use a computed "
          + "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
      precondition(
        !newValue || dtype.isFloatingPoint,
        "requiresGrad: only Tensors of floating point dtype can require gradients, but this tensor is \(dtype)")
      requiresGradStorage = newValue
    }
  }
  var requiresGradStorage: Bool {
    get { autograd?.requiresGrad ?? false }
    set {
      if newValue || autograd != nil { autogradMeta.requiresGrad = newValue }
    }
  }
  /// The recorded op that produced this tensor (`grad_fn`), or `nil` for a leaf.
  public var gradFn: (any GradientFunction)? {
    _read { yield producer }
    set { producer = newValue }
  }
  // `gradFn` and `base` are computed over unchecked stored properties: `@exclusivity(unchecked)`
  // holds only inside this module, and other modules' direct reads of a stored class property
  // each pay a run-time exclusivity check (swift_beginAccess).
  @exclusivity(unchecked) private var producer: (any GradientFunction)?
  /// The tensor this one is a view of (`_base`): the first tensor of a chain of views, never a
  /// view itself; `nil` for a tensor that is not a view. An in-place op on a view records the
  /// write in the base's history (`CopySlices`), so gradients through the base see it.
  ///
  /// ```swift
  /// let x = Tensor.zeros([2, 3])
  /// x[0].base === x   // true
  /// ```
  public internal(set) var base: Tensor? {
    _read { yield viewedBase }
    set { viewedBase = newValue }
  }
  @exclusivity(unchecked) private var viewedBase: Tensor?
  /// The rest of autograd's per-tensor state, allocated the first time a tensor needs any of it,
  /// so tensors that never meet autograd stay small and cheap to free.
  @exclusivity(unchecked) private var autograd: AutogradMeta?
  private var autogradMeta: AutogradMeta {
    if let autograd { return autograd }
    let meta = AutogradMeta()
    autograd = meta
    return meta
  }
  /// The accumulated gradient of a leaf after `backward()`, or `nil`.
  public var grad: Tensor? {
    get { autograd?.grad }
    set { if newValue != nil || autograd != nil { autogradMeta.grad = newValue } }
  }
  /// Whether a non-leaf keeps its gradient in ``grad`` during backward (`retain_grad()`).
  public var retainsGrad: Bool {
    get { autograd?.retainsGrad ?? false }
    set { autogradMeta.retainsGrad = newValue }
  }
  /// A leaf's gradient accumulator, shared by every node that uses the leaf while any graph
  /// holds it (as PyTorch's leaf holds its `AccumulateGrad` weakly).
  var gradAccumulator: AccumulateGrad? {
    get { autograd?.accumulator?.takeUnretainedValue() }
    set { autogradMeta.accumulator = newValue.map { Unmanaged.passUnretained($0) } }
  }

  /// Called by a dying accumulator of this leaf: forgets it, unless a newer one took its place.
  func forgetAccumulator(_ dying: AccumulateGrad) {
    guard let slot = autograd?.accumulator, slot.toOpaque() == Unmanaged.passUnretained(dying).toOpaque() else {
      return
    }
    autograd?.accumulator = nil
  }
  /// Hooks on a leaf's gradient, run before it is accumulated (`register_hook`).
  public var gradientHooks: [(Tensor) -> Tensor?] {
    get { autograd?.gradientHooks ?? [] }
    set { autogradMeta.gradientHooks = newValue }
  }
  /// Hooks run after a leaf's gradient was accumulated into ``grad``
  /// (`register_post_accumulate_grad_hook`).
  public var postAccumulateHooks: [(Tensor) -> Void] {
    get { autograd?.postAccumulateHooks ?? [] }
    set { autogradMeta.postAccumulateHooks = newValue }
  }

  /// A view of `storage` with the given layout.
  ///
  /// - Precondition: every element the layout reaches lies inside the storage.
  public convenience init(storage: Storage, shape: [Int], strides: [Int], storageOffset: Int = 0, dtype: DType) {
    self.init(
      storage: storage, shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype, wrapped: false)
  }

  /// The designated initializer; `wrapped` marks a tensor made from a plain Swift number.
  init(
    storage: Storage, shape: [Int], strides: [Int], storageOffset: Int = 0, dtype: DType, wrapped: Bool,
    contiguous: Bool? = nil
  ) {
    precondition(shape.count == strides.count, "Tensor: shape \(shape) and strides \(strides) differ in rank")
    self.isContiguous = contiguous ?? Shape.isContiguous(shape, strides: strides)
    self.storage = storage
    self.shape = shape
    self.strides = strides
    self.storageOffset = storageOffset
    self.dtype = dtype
    self.isWrappedNumber = wrapped
  }

  /// A new, uninitialized, contiguous tensor (`torch.empty`).
  ///
  /// ```swift
  /// let t = Tensor(uninitializedShape: [2, 3], dtype: .float32)
  /// ```
  public convenience init(uninitializedShape shape: [Int], dtype: DType = .float32, device: Device = .cpu) {
    do {
      try Shape.validate(shape)
    } catch {
      preconditionFailure("empty: \(error)")
    }
    self.init(
      uninitializedShape: shape, contiguousStrides: Shape.contiguousStrides(shape), dtype: dtype, device: device)
  }

  /// A new contiguous tensor whose contiguous strides the caller already has (an op's output
  /// shaped like a contiguous input shares that input's stride array instead of building one).
  convenience init(
    uninitializedShape shape: [Int], contiguousStrides strides: [Int], dtype: DType, device: Device,
    wrapped: Bool = false
  ) {
    let storage: Storage
    do {
      // nil: the shared CPU allocator, without taking a reference to it.
      let allocator = device == .cpu ? nil : try DeviceRegistry.allocator(for: device)
      storage = try Storage(count: Shape.elementCount(shape), dtype: dtype, allocator: allocator)
    } catch {
      preconditionFailure("empty: \(error)")
    }
    self.init(storage: storage, shape: shape, strides: strides, dtype: dtype, wrapped: wrapped, contiguous: true)
  }

  // MARK: Attributes

  /// The device the storage lives on.
  public var device: Device { storage.device }
  /// `true` when the tensor lives on a CUDA device (`is_cuda`).
  public var isCUDA: Bool { device.isCUDA }
  /// The number of dimensions (`dim()`).
  public var rank: Int { shape.count }
  /// The number of elements (`numel()`).
  public var count: Int { Shape.elementCount(shape) }
  /// `true` when no op recorded this tensor: it was made by hand (`is_leaf`).
  public var isLeaf: Bool { gradFn == nil }

  /// The size of dimension `dim` (negative counts from the end), as `size(dim)`.
  public func size(_ dim: Int) -> Int { shape[normalizedDim(dim, op: "size")] }

  /// The first element's address, for kernels.
  @inlinable
  func pointer<T>(as _: T.Type) -> UnsafeMutablePointer<T> {
    storage.pointer(as: T.self) + storageOffset
  }
}

/// Autograd's state of one tensor beyond `gradFn`: allocated on first use.
///
/// Its fields skip Swift's run-time exclusivity checks (`@exclusivity(unchecked)`): every
/// backward reads them, and no access to them overlaps another.
private final class AutogradMeta {
  @exclusivity(unchecked) var requiresGrad = false
  @exclusivity(unchecked) var grad: Tensor?
  @exclusivity(unchecked) var retainsGrad = false
  /// The live accumulator, unretained: it holds the tensor, and clears this slot in its
  /// `deinit` (cheaper than a weak reference, which gives the accumulator a side table).
  @exclusivity(unchecked) var accumulator: Unmanaged<AccumulateGrad>?
  @exclusivity(unchecked) var gradientHooks: [(Tensor) -> Tensor?] = []
  @exclusivity(unchecked) var postAccumulateHooks: [(Tensor) -> Void] = []
}
