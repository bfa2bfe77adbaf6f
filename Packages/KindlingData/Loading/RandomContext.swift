import KindlingTensor

/// The generator that random transforms draw from while a sample is fetched.
///
/// A ``DataLoader`` binds ``current`` to a generator seeded from its base seed and the batch
/// number while it fetches that batch, so random augmentation depends only on the loader's
/// seed, never on which worker thread fetched the batch or how many workers there are.
/// Outside a loader it is `nil` and transforms use `Generator.default`.
///
/// ```swift
/// let flip = RandomHorizontalFlip()
/// RandomContext.$current.withValue(Generator(seed: 1)) { flip(image) }   // reproducible
/// ```
public enum RandomContext {
  /// The generator bound by the loader for the sample being fetched, if any.
  @TaskLocal public static var current: Generator?

  /// ``current``, or `Generator.default` outside a loader.
  public static var generator: Generator { current ?? .default }
}
