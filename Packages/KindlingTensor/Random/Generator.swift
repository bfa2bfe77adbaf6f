import Synchronization

/// A CPU random-number generator that reproduces PyTorch's `torch.Generator` (CPU) bit for bit.
///
/// It wraps an ``MT19937`` engine plus the cached second Box-Muller sample that PyTorch keeps
/// for `normal_` on small tensors. All access goes through a mutex, and each fill holds it for
/// the whole fill, as PyTorch's kernels do, so a generator can be shared between threads.
///
/// ```swift
/// let generator = Generator(seed: 0)
/// var values = [Float](repeating: 0, count: 3)
/// values.withUnsafeMutableBufferPointer { generator.fillUniform($0, from: 0, to: 1) }
/// // values == torch.manual_seed(0); torch.rand(3)  →  [0.4963, 0.7682, 0.0885]
/// ```
public final class Generator: Sendable {
  /// The engine and the cached normal sample, guarded together by the generator's mutex.
  struct State: Sendable {
    var engine: MT19937
    /// The second Box-Muller sample of `at::normal_distribution<double>`, used by the next call.
    var nextDoubleNormal: Double?
    /// PyTorch's float cache (`next_float_normal_sample`); kept only so a saved state round-trips.
    var nextFloatNormal: Float?

    init(seed: UInt64) {
      engine = MT19937(seed: seed)
    }

    /// One 32-bit draw (`CPUGeneratorImpl::random`).
    mutating func random32() -> UInt32 { engine.next() }

    /// Two 32-bit draws, the first one the high half (`CPUGeneratorImpl::random64`).
    mutating func random64() -> UInt64 {
      let high = UInt64(engine.next())
      let low = UInt64(engine.next())
      return high << 32 | low
    }
  }

  /// PyTorch's default CPU seed, `default_rng_seed_val`.
  ///
  /// ```swift
  /// Generator().initialSeed == Generator.defaultSeed  // true
  /// ```
  public static let defaultSeed: UInt64 = 67_280_421_310_721

  /// The generator that `torch.rand`, `torch.randn`, layer initialization, dropout, ... use when
  /// given none: the process-wide ``global`` generator, unless the current task runs inside
  /// ``withDefault(_:_:)``.
  ///
  /// ```swift
  /// manualSeed(0)
  /// let first = Generator.default.random32()  // 2357136044
  /// ```
  public static var `default`: Generator { taskDefault ?? global }

  /// The process-wide CPU generator, PyTorch's `torch.default_generator`.
  public static let global = Generator()

  @TaskLocal private static var taskDefault: Generator?

  /// Runs `body` with `generator` as ``default`` for the current task and the tasks it starts,
  /// so that seeded work (`manualSeed`, layer initialization) is not disturbed by other tasks
  /// drawing from the global generator at the same time — tests running in parallel, say.
  ///
  /// ```swift
  /// let layer = Generator.withDefault(Generator(seed: 0)) { Linear(784, 256) }
  /// ```
  public static func withDefault<Result>(_ generator: Generator, _ body: () throws -> Result) rethrows -> Result {
    try $taskDefault.withValue(generator, operation: body)
  }

  /// The `async` form of ``withDefault(_:_:)``.
  public static func withDefault<Result>(
    _ generator: Generator, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
  ) async rethrows -> Result {
    try await $taskDefault.withValue(generator, operation: body, isolation: isolation)
  }

  private let guarded: Mutex<State>

  /// Creates a generator seeded like `torch.Generator().manual_seed(seed)`.
  ///
  /// ```swift
  /// let generator = Generator(seed: 42)
  /// ```
  public init(seed: UInt64 = Generator.defaultSeed) {
    guarded = Mutex(State(seed: seed))
  }

  /// Reseeds the generator and drops the cached normal sample, like `Generator.manual_seed`.
  ///
  /// ```swift
  /// let generator = Generator()
  /// generator.manualSeed(7)
  /// generator.initialSeed  // 7
  /// ```
  public func manualSeed(_ seed: UInt64) {
    guarded.withLock { $0 = State(seed: seed) }
  }

  /// The seed last given to the generator, all 64 bits (`Generator.initial_seed()`).
  ///
  /// ```swift
  /// Generator(seed: 1 << 40 | 7).initialSeed  // 1099511627783
  /// ```
  public var initialSeed: UInt64 {
    guarded.withLock { $0.engine.seed }
  }

  /// One raw 32-bit output of the engine.
  ///
  /// ```swift
  /// Generator(seed: 0).random32()  // 2357136044
  /// ```
  public func random32() -> UInt32 {
    guarded.withLock { $0.random32() }
  }

  /// One raw 64-bit value made of two 32-bit outputs, the first one the high half.
  ///
  /// ```swift
  /// Generator(seed: 0).random64()  // 2357136044 << 32 | 2546248239
  /// ```
  public func random64() -> UInt64 {
    guarded.withLock { $0.random64() }
  }

  /// Runs `body` on the engine state with the mutex held for the whole call.
  func withState<Result>(_ body: (inout State) -> Result) -> Result {
    guarded.withLock { (value: inout State) -> Result in body(&value) }
  }
}

/// Reseeds the default CPU generator (``Generator/default``), like `torch.manual_seed(seed)`.
///
/// ```swift
/// manualSeed(0)
/// Generator.default.initialSeed  // 0
/// ```
public func manualSeed(_ seed: UInt64) {
  Generator.default.manualSeed(seed)
}
