#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether operations on this thread record themselves for backpropagation
/// (PyTorch's `torch.is_grad_enabled()`).
///
/// Grad mode is per thread and on by default. ``noGrad(_:)`` and ``enableGrad(_:)`` switch it
/// for the duration of a closure and nest; the previous mode comes back even if the closure
/// throws.
///
/// ```swift
/// noGrad {
///   print(GradMode.isEnabled)          // false
///   enableGrad { print(GradMode.isEnabled) }   // true
/// }
/// ```
public enum GradMode {
  /// One thread-local slot: empty (nil) means enabled, the default on every new thread.
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "GradMode: pthread_key_create failed with \(status)")
    return key
  }()

  private static var disabledMarker: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

  /// `true` when operations on this thread record a graph.
  public static var isEnabled: Bool {
    get { pthread_getspecific(key) == nil }
    set { pthread_setspecific(key, newValue ? nil : disabledMarker) }
  }

  /// Runs `body` with grad mode set to `enabled`, restoring the previous mode afterwards.
  @inlinable
  public static func with<R, E: Error>(enabled: Bool, _ body: () throws(E) -> R) throws(E) -> R {
    let previous = isEnabled
    isEnabled = enabled
    defer { isEnabled = previous }
    return try body()
  }
}

/// Runs `body` without recording operations for backpropagation (`with torch.no_grad():`).
@inlinable
public func noGrad<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
  try GradMode.with(enabled: false, body)
}

/// Runs `body` with recording switched back on inside a ``noGrad(_:)`` (`with torch.enable_grad():`).
@inlinable
public func enableGrad<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
  try GradMode.with(enabled: true, body)
}
