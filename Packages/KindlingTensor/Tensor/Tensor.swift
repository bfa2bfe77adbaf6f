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
  public internal(set) var storage: Storage
  /// The size of each dimension: `[]` for a scalar. Prints as `[3, 4]`.
  public internal(set) var shape: [Int]
  /// How many elements to step in storage to move one along each dimension.
  public internal(set) var strides: [Int]
  /// Where the first element sits in storage, in elements.
  public internal(set) var storageOffset: Int
  /// The element type.
  public internal(set) var dtype: DType
  /// `true` for a tensor made from a plain Swift number (`x + 2`), which takes part in type
  /// promotion as PyTorch's Python numbers do: it yields to tensors of its category.
  public internal(set) var isWrappedNumber = false

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
  var requiresGradStorage = false
  /// The accumulated gradient of a leaf after `backward()`, or `nil`.
  public var grad: Tensor?
  /// The recorded op that produced this tensor (`grad_fn`), or `nil` for a leaf.
  public var gradFn: (any GradientFunction)?
  /// Whether a non-leaf keeps its gradient in ``grad`` during backward (`retain_grad()`).
  public var retainsGrad = false
  /// A leaf's gradient accumulator, shared by every node that uses the leaf.
  weak var gradAccumulator: AccumulateGrad?
  /// Hooks on a leaf's gradient, run before it is accumulated (`register_hook`).
  public var gradientHooks: [(Tensor) -> Tensor?] = []
  /// Hooks run after a leaf's gradient was accumulated into ``grad``
  /// (`register_post_accumulate_grad_hook`).
  public var postAccumulateHooks: [(Tensor) -> Void] = []

  /// A view of `storage` with the given layout.
  ///
  /// - Precondition: every element the layout reaches lies inside the storage.
  public init(storage: Storage, shape: [Int], strides: [Int], storageOffset: Int = 0, dtype: DType) {
    precondition(shape.count == strides.count, "Tensor: shape \(shape) and strides \(strides) differ in rank")
    self.storage = storage
    self.shape = shape
    self.strides = strides
    self.storageOffset = storageOffset
    self.dtype = dtype
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
    let storage: Storage
    do {
      storage = try Storage(count: Shape.elementCount(shape), dtype: dtype, allocator: DeviceRegistry.allocator(for: device))
    } catch {
      preconditionFailure("empty: \(error)")
    }
    self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: dtype)
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
  /// Whether the elements are densely packed in row-major order (`is_contiguous()`).
  public var isContiguous: Bool { Shape.isContiguous(shape, strides: strides) }
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
