#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Frees a graph one node at a time instead of recursively.
///
/// A node owns the nodes before it (through its edges and saved inputs), so dropping the last
/// tensor of a long chain would free node after node inside each other's `deinit`, and a chain
/// of 100,000 ops would overflow the stack. Instead, a dying node hands what it owns to this
/// per-thread list, and the outermost `deinit` on the thread releases the list in a loop.
enum GraphTeardown {
  private final class State {
    @exclusivity(unchecked) var pending: [AnyObject] = []
    @exclusivity(unchecked) var draining = false
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
      if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
    }
    return key
  }()

  private static var state: State {
    if let pointer = pthread_getspecific(key) {
      return Unmanaged<State>.fromOpaque(pointer).takeUnretainedValue()
    }
    let state = State()
    pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
    return state
  }

  /// What a dying node does: moves its edges and saved inputs onto this thread's list (emptying
  /// them, so that nothing else holds them), then drains the list unless an outer call on this
  /// thread is already doing so. One look-up of the list, no intermediate arrays.
  static func release(edges: inout InlineList<(any GradientFunction)?>, inputs: inout InlineList<Tensor>?) {
    let state = state
    for case let edge? in edges { state.pending.append(edge) }
    if let inputs { for input in inputs { state.pending.append(input) } }
    edges = InlineList()
    inputs = nil
    drain(state)
  }

  /// Releases the list in a loop, unless an outer call on this thread is already doing so.
  private static func drain(_ state: State) {
    guard !state.draining else { return }
    state.draining = true
    while !state.pending.isEmpty {
      _ = state.pending.popLast()  // may run a deinit that enqueues more, without recursing here
    }
    state.draining = false
  }
}
