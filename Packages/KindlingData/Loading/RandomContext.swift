import KindlingTensor

/// The generator that random transforms draw from while a sample is fetched.
///
/// A ``DataLoader`` seeds a generator per batch from its base seed and the batch number, and
/// ``generator`` returns it while that batch is fetched, so random augmentation depends only on
/// the loader's seed, never on which worker thread fetched the batch or how many workers there
/// are. Binding ``current`` yourself overrides it; outside a loader, ``generator`` is
/// `Generator.default`.
///
/// ```swift
/// let flip = RandomHorizontalFlip()
/// RandomContext.$current.withValue(Generator(seed: 1)) { flip(image) }   // reproducible
/// ```
public enum RandomContext {
  /// A generator bound with `RandomContext.$current.withValue(_:)`, if any; it takes precedence
  /// over the loader's per-batch generator.
  @TaskLocal public static var current: Generator?

  /// The per-batch generator the loader binds while it fetches a batch.
  @TaskLocal static var batch: BatchGenerator?

  /// What random transforms draw from: ``current``, else the loader's generator for the batch
  /// being fetched, else `Generator.default`.
  public static var generator: Generator { current ?? batch?.generator ?? .default }
}

/// A batch's generator, seeded the first time a transform draws from it: most batches draw
/// nothing, and seeding a Mersenne Twister costs about a microsecond, 5 % of gathering a batch
/// of 64 Fashion-MNIST images.
final class BatchGenerator: @unchecked Sendable {
  private let seed: UInt64
  private var made: Generator?

  init(seed: UInt64) { self.seed = seed }

  /// The generator, seeded with `seed` on first use. One batch is fetched on one thread.
  var generator: Generator {
    if let made { return made }
    let generator = Generator(seed: seed)
    made = generator
    return generator
  }
}
