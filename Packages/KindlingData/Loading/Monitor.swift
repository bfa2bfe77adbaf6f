#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A mutex with two condition variables, so that a thread can wake exactly the kind of waiter
/// that can make progress (a data loader's consumer waiting for a batch, or a worker waiting
/// for room in the window) instead of every thread that waits on one shared condition.
///
/// ```swift
/// let monitor = Monitor()
/// monitor.lock()
/// while !ready { monitor.wait(.first) }
/// monitor.unlock()
/// ```
final class Monitor: @unchecked Sendable {
  /// Which of the two conditions to wait on or signal.
  enum Condition: Int {
    case first = 0
    case second = 1
  }

  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let conditions = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 2)

  init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(conditions, nil)
    pthread_cond_init(conditions + 1, nil)
  }

  deinit {
    pthread_cond_destroy(conditions + 1)
    pthread_cond_destroy(conditions)
    pthread_mutex_destroy(mutex)
    conditions.deallocate()
    mutex.deallocate()
  }

  func lock() { pthread_mutex_lock(mutex) }
  func unlock() { pthread_mutex_unlock(mutex) }

  /// Releases the mutex until `condition` is signalled, then holds it again. Call it in a loop
  /// that checks the awaited state: wake-ups may be spurious.
  func wait(_ condition: Condition) { pthread_cond_wait(conditions + condition.rawValue, mutex) }

  /// Wakes one thread waiting on `condition`.
  func signal(_ condition: Condition) { pthread_cond_signal(conditions + condition.rawValue) }

  /// Wakes every thread waiting on `condition`.
  func broadcast(_ condition: Condition) { pthread_cond_broadcast(conditions + condition.rawValue) }
}
