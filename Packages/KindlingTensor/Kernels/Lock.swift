import Synchronization

/// A mutual-exclusion lock for small critical sections.
final class Lock: Sendable {
  private let mutex = Mutex(())
  func withLock<R>(_ body: () throws -> R) rethrows -> R {
    try mutex.withLock { _ in try body() }
  }
}
