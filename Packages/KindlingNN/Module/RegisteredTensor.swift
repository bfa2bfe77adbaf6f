/// The two kinds of tensors a module owns: trained parameters and saved state (buffers).
public enum RegisteredTensorKind: Sendable {
  /// A trainable tensor (`nn.Parameter`): requires grad, returned by `parameters()`.
  case parameter
  /// Saved state that is not trained (`register_buffer`): running statistics, counters.
  case buffer
}

/// A value a ``Parameter`` or ``Buffer`` property can hold: a tensor, or an optional tensor for
/// parts a layer may leave out (`bias: false`).
public protocol RegisteredTensorValue {
  /// The tensor held, `nil` for an absent optional one.
  var registeredTensor: Tensor? { get }
  /// Wraps a tensor back into the property's type.
  static func wrapping(_ tensor: Tensor) -> Self
}

extension Tensor: RegisteredTensorValue {
  public var registeredTensor: Tensor? { self }
  public static func wrapping(_ tensor: Tensor) -> Tensor { tensor }
}

extension Optional: RegisteredTensorValue where Wrapped == Tensor {
  public var registeredTensor: Tensor? { self }
  public static func wrapping(_ tensor: Tensor) -> Tensor? { tensor }
}

/// The storage behind a `@Parameter` or `@Buffer` property, as module reflection sees it.
protocol RegisteredTensorSlot: AnyObject {
  var kind: RegisteredTensorKind { get }
  var tensor: Tensor? { get }
  /// Replaces the tensor (dtype or device conversion), keeping whether it requires grad.
  func replace(with tensor: Tensor)
}

/// A module's trainable tensor, PyTorch's `nn.Parameter`.
///
/// Declare it on a ``Module`` subclass; the module finds it without registration, under the
/// property's name in snake_case (`weight`, `inProj` → `in_proj`). Assigned tensors become leaves
/// that require grad.
///
/// ```swift
/// final class Scale: Module {
///   @Parameter var gain: Tensor = Tensor.ones([3])
///   override func forward(_ x: Tensor) -> Tensor { x * gain }
/// }
/// Scale().namedParameters().map(\.0)   // ["gain"]
/// ```
@propertyWrapper
public final class Parameter<Value: RegisteredTensorValue>: RegisteredTensorSlot {
  private var value: Value

  public init(wrappedValue: Value) {
    if let tensor = wrappedValue.registeredTensor {
      value = Value.wrapping(Parameter.asLeaf(tensor))
    } else {
      value = wrappedValue
    }
  }

  public var wrappedValue: Value {
    get { value }
    set {
      guard let tensor = newValue.registeredTensor else { value = newValue; return }
      value = Value.wrapping(Parameter.asLeaf(tensor))
    }
  }

  var kind: RegisteredTensorKind { .parameter }
  var tensor: Tensor? { value.registeredTensor }

  func replace(with tensor: Tensor) {
    let requiresGrad = value.registeredTensor?.requiresGrad ?? true
    let leaf = tensor.isLeaf ? tensor : tensor.detach()
    if leaf.dtype.isFloatingPoint { leaf.requiresGrad = requiresGrad }
    value = Value.wrapping(leaf)
  }

  /// A parameter is a leaf that requires grad (floating point only, as in PyTorch).
  private static func asLeaf(_ tensor: Tensor) -> Tensor {
    let leaf = tensor.isLeaf ? tensor : tensor.detach()
    if leaf.dtype.isFloatingPoint && !leaf.requiresGrad { leaf.requiresGrad = true }
    return leaf
  }
}

/// A module's saved, untrained state, PyTorch's `register_buffer` (running means, counters).
///
/// Buffers appear in ``Module/stateDict()`` and follow ``Module/to(_:)-(DType)``, but are not
/// returned by ``Module/parameters(recurse:)``.
///
/// ```swift
/// final class Counter: Module {
///   @Buffer var numCalls: Tensor = Tensor.zeros([], dtype: .int64)
/// }
/// Counter().stateDict().keys   // ["num_calls"]
/// ```
@propertyWrapper
public final class Buffer<Value: RegisteredTensorValue>: RegisteredTensorSlot {
  public var wrappedValue: Value

  public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

  var kind: RegisteredTensorKind { .buffer }
  var tensor: Tensor? { wrappedValue.registeredTensor }
  func replace(with tensor: Tensor) { wrappedValue = Value.wrapping(tensor) }
}
