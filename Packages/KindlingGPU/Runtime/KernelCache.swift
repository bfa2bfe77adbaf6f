import Synchronization

/// A thread-safe map from a key (a kernel source, or a kernel's name within a program) to what
/// was built from it, built once: the runtimes keep their compiled programs and kernels here.
package final class KernelCache<Value: Sendable>: Sendable {
  private let entries = Mutex<[String: Value]>([:])

  /// An empty cache.
  package init() {}

  /// The value stored for `key`, or the one `make` builds and stores (under the cache's lock, so
  /// concurrent callers of the same key build it once; a `make` that throws stores nothing).
  package func value(for key: String, orMake make: () throws(GPUError) -> Value) throws(GPUError) -> Value {
    try entries.withLock { (entries) throws(GPUError) -> Value in
      if let value = entries[key] { return value }
      let value = try make()
      entries[key] = value
      return value
    }
  }

  /// Drops every value (a runtime does this before it releases the context its values live in).
  package func removeAll() { entries.withLock { $0.removeAll() } }

  /// How many values are stored.
  package var count: Int { entries.withLock { $0.count } }
}

/// A compiled kernel source (a CUDA module, an OpenCL program) whose kernels are found by name.
package protocol KernelProgram: AnyObject, Sendable {
  /// The kernel `name` of this program.
  func kernel(named name: String) throws(GPUError) -> any KernelFunction
}

extension KernelCache where Value: KernelProgram {
  /// The kernels `names` of `source`'s program, which `build` compiles the first time: the body of
  /// every runtime's ``KernelRuntime/compile(_:kernels:)``.
  package func kernels(
    _ names: [String], of source: String, build: () throws(GPUError) -> Value
  ) throws(GPUError) -> [String: any KernelFunction] {
    let program = try value(for: source, orMake: build)
    var functions: [String: any KernelFunction] = [:]
    for name in names { functions[name] = try program.kernel(named: name) }
    return functions
  }
}
