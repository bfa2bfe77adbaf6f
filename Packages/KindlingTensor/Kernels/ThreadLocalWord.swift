#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One word per thread (a pthread key), for a setting that a scope changes on its own thread
/// only: ``Parallel/serially(_:)`` and ``BLAS/withThreadCount(_:_:)``.
///
/// ```swift
/// let flag = ThreadLocalWord()
/// flag.with(1) { flag.value }   // 1 here; nil on every other thread and after the scope
/// ```
struct ThreadLocalWord: @unchecked Sendable {
  private let key: pthread_key_t

  init() {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "ThreadLocalWord: pthread_key_create failed with \(status)")
    self.key = key
  }

  /// This thread's word, or `nil` outside ``with(_:_:)``.
  var value: Int? { pthread_getspecific(key).map { Int(bitPattern: $0) } }

  /// Runs `body` with this thread's word set to `word` (not 0), then restores the one before.
  func with<R>(_ word: Int, _ body: () throws -> R) rethrows -> R {
    precondition(word != 0, "ThreadLocalWord: 0 reads as no value")
    let previous = pthread_getspecific(key)
    pthread_setspecific(key, UnsafeRawPointer(bitPattern: word))
    defer { pthread_setspecific(key, previous) }
    return try body()
  }
}
