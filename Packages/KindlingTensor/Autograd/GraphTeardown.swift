#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Frees a graph without deep recursion.
///
/// A node owns the nodes before it (through its edges and saved inputs), so dropping the last
/// tensor of a long chain would free node after node inside each other's `deinit`, and a chain
/// of 100,000 ops would overflow the stack. A dying node releases what it owns right away while
/// fewer than ``maximumDepth`` node deinits are running on this thread (the common case: short
/// chains cost no list traffic); deeper, it moves them onto a per-thread list instead, which the
/// outermost `deinit` releases in a loop.
enum GraphTeardown {
  /// How many node deinits may run inside each other before the rest are queued.
  static let maximumDepth = 64

  private final class State {
    @exclusivity(unchecked) var pending: [AnyObject] = []
    @exclusivity(unchecked) var depth = 0
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

  /// What a dying node does with its edges and saved inputs: drops them now (which may free
  /// the nodes before it, one level deeper), or, past ``maximumDepth``, queues them. The
  /// outermost call then releases the queue in a loop.
  static func release(edges: inout InlineList<(any GradientFunction)?>, inputs: inout InlineList<Tensor>?) {
    let state = state
    if state.depth < maximumDepth {
      state.depth += 1
      edges = InlineList()
      inputs = nil
      state.depth -= 1
    } else {
      for case let edge? in edges { state.pending.append(edge) }
      if let inputs { for input in inputs { state.pending.append(input) } }
      edges = InlineList()
      inputs = nil
    }
    if state.depth == 0 { drain(state) }
  }

  /// Releases the queue in a loop, unless an outer call on this thread is already doing so.
  private static func drain(_ state: State) {
    guard !state.draining, !state.pending.isEmpty else { return }
    state.draining = true
    while !state.pending.isEmpty {
      _ = state.pending.popLast()  // may run a deinit that queues more, without recursing here
    }
    state.draining = false
  }
}
