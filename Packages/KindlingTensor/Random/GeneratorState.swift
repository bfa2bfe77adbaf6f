import KindlingStorage

/// A snapshot of a ``Generator``: the Mersenne Twister words and position, the seed, and the
/// cached normal samples. Restoring it with ``Generator/setState(_:)`` makes the generator
/// continue exactly where the snapshot was taken.
///
/// Its byte form (``bytes``, ``tensor``) is PyTorch's `Generator.get_state()` for CPU generators:
/// 5056 bytes of `CPUGeneratorImplState`, so a state saved by PyTorch restores here and the other
/// way round (`torch.Generator().set_state(state)`). It is also `Codable`, for checkpoints
/// written as JSON.
///
/// ```swift
/// let generator = Generator(seed: 0)
/// let saved = generator.state
/// let first = Tensor.rand([3], generator: generator)
/// try generator.setState(saved)
/// let again = Tensor.rand([3], generator: generator)   // equal to first
/// // PyTorch: g.set_state(torch.tensor(saved.bytes, dtype=torch.uint8))
/// ```
public struct GeneratorState: Codable, Sendable, Equatable {
  /// The seed the engine was made with (`initial_seed()`).
  public var seed: UInt64
  /// The 624 words of the Mersenne Twister state.
  public var words: [UInt32]
  /// PyTorch's `left_`: one more than the outputs left before the words are regenerated (1 to 624).
  public var left: Int
  /// PyTorch's `next_`: the index of the next word to temper (0 to 624).
  public var next: Int
  /// The second Box-Muller sample kept for the next double normal draw, if any.
  public var nextDoubleNormal: Double?
  /// PyTorch's cached float normal sample, if any.
  public var nextFloatNormal: Float?

  /// The size of PyTorch's `CPUGeneratorImplState`, the length of ``bytes``.
  public static let byteCount = 5056

  // Byte offsets inside `CPUGeneratorImplState` (x86-64 and AArch64 layouts agree).
  private enum Offset {
    static let seed = 0, left = 8, seeded = 12, next = 16, words = 24
    static let normalY = 24 + 624 * 8 + 8, normalIsValid = 24 + 624 * 8 + 24
    static let floatNormal = 5048, floatNormalIsValid = 5052
  }

  /// A state from its parts; throws when they could not come from a running generator (the
  /// checks of PyTorch's `mt19937::is_valid`, plus `left + next <= 625` so no read goes past
  /// the words).
  public init(
    seed: UInt64, words: [UInt32], left: Int, next: Int, nextDoubleNormal: Double? = nil, nextFloatNormal: Float? = nil
  ) throws(GeneratorStateError) {
    guard words.count == MT19937.stateSize else { throw .invalid("expected 624 state words, got \(words.count)") }
    guard (1...MT19937.stateSize).contains(left), (0...MT19937.stateSize).contains(next),
      left + next <= MT19937.stateSize + 1
    else { throw .invalid("Invalid mt19937 state (left \(left), next \(next))") }
    self.seed = seed
    self.words = words
    self.left = left
    self.next = next
    self.nextDoubleNormal = nextDoubleNormal
    self.nextFloatNormal = nextFloatNormal
  }

  private enum CodingKeys: String, CodingKey {
    case seed, words, left, next, nextDoubleNormal, nextFloatNormal
  }

  /// Decodes the fields and checks them like ``init(seed:words:left:next:nextDoubleNormal:nextFloatNormal:)``.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    do {
      try self.init(
        seed: container.decode(UInt64.self, forKey: .seed), words: container.decode([UInt32].self, forKey: .words),
        left: container.decode(Int.self, forKey: .left), next: container.decode(Int.self, forKey: .next),
        nextDoubleNormal: container.decodeIfPresent(Double.self, forKey: .nextDoubleNormal),
        nextFloatNormal: container.decodeIfPresent(Float.self, forKey: .nextFloatNormal))
    } catch let error as GeneratorStateError {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }

  /// The state in PyTorch's `get_state()` layout (5056 bytes, little-endian).
  ///
  /// ```swift
  /// Generator(seed: 0).state.bytes.count   // 5056
  /// ```
  public var bytes: [UInt8] {
    var out = [UInt8](repeating: 0, count: Self.byteCount)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
      withUnsafeBytes(of: value.littleEndian) { out.replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }
    put(seed, at: Offset.seed)
    put(Int32(left), at: Offset.left)
    put(Int32(1), at: Offset.seeded)
    put(UInt64(next), at: Offset.next)
    for (i, word) in words.enumerated() { put(UInt64(word), at: Offset.words + 8 * i) }
    if let nextDoubleNormal {
      put(nextDoubleNormal.bitPattern, at: Offset.normalY)
      put(Int32(1), at: Offset.normalIsValid)
    }
    if let nextFloatNormal {
      put(nextFloatNormal.bitPattern, at: Offset.floatNormal)
      out[Offset.floatNormalIsValid] = 1
    }
    return out
  }

  /// Reads PyTorch's `get_state()` layout; throws on a wrong size or an invalid engine state,
  /// as `set_state` does.
  ///
  /// ```swift
  /// let copy = try GeneratorState(bytes: Generator(seed: 3).state.bytes)
  /// ```
  public init(bytes: [UInt8]) throws(GeneratorStateError) {
    guard bytes.count == Self.byteCount else {
      throw .invalid(
        "Expected a CPUGeneratorImplState of size \(Self.byteCount) but found the input RNG state size to be "
          + "\(bytes.count)")
    }
    func get<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
      bytes[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(T.zero) { $0 << 8 | T($1) }
    }
    guard get(Int32.self, at: Offset.seeded) == 1 else { throw .invalid("Invalid mt19937 state (not seeded)") }
    let next = get(UInt64.self, at: Offset.next)
    try self.init(
      seed: get(UInt64.self, at: Offset.seed),
      words: (0..<MT19937.stateSize).map { UInt32(truncatingIfNeeded: get(UInt64.self, at: Offset.words + 8 * $0)) },
      left: Int(get(Int32.self, at: Offset.left)),
      next: next > UInt64(MT19937.stateSize) ? Int.max : Int(next),
      nextDoubleNormal: get(Int32.self, at: Offset.normalIsValid) != 0
        ? Double(bitPattern: get(UInt64.self, at: Offset.normalY)) : nil,
      nextFloatNormal: bytes[Offset.floatNormalIsValid] != 0
        ? Float(bitPattern: get(UInt32.self, at: Offset.floatNormal)) : nil)
  }

  /// The state as a 1-d `uint8` tensor of 5056 elements, like `Generator.get_state()`.
  ///
  /// ```swift
  /// Generator(seed: 0).state.tensor.shape   // [5056]
  /// ```
  public var tensor: Tensor {
    Tensor(scalars: bytes, shape: [Self.byteCount])
  }

  /// Reads a `uint8` tensor of 5056 elements, like `Generator.set_state(tensor)`.
  ///
  /// ```swift
  /// let state = try GeneratorState(tensor: Generator(seed: 0).state.tensor)
  /// ```
  public init(tensor: Tensor) throws(GeneratorStateError) {
    guard tensor.dtype == .uint8 else {
      throw .invalid("expected a torch.ByteTensor (uint8) RNG state, but got \(tensor.dtype)")
    }
    try self.init(bytes: tensor.contiguous().scalars(as: UInt8.self))
  }
}

/// Why a ``GeneratorState`` could not be made.
public enum GeneratorStateError: Error, Equatable, CustomStringConvertible {
  case invalid(String)

  public var description: String {
    switch self {
    case .invalid(let message): "Generator state: \(message)"
    }
  }
}

extension Generator {
  /// The generator's current state (`get_state()`), a value that ``setState(_:)`` restores.
  ///
  /// ```swift
  /// let saved = Generator.default.state
  /// ```
  public var state: GeneratorState {
    withState { value in
      // The engine's own fields always satisfy the initializer's checks.
      try! GeneratorState(
        seed: value.engine.seed, words: value.engine.state, left: value.engine.left, next: value.engine.index,
        nextDoubleNormal: value.nextDoubleNormal, nextFloatNormal: value.nextFloatNormal)
    }
  }

  /// Restores a state taken with ``state`` (here or, through its bytes, in PyTorch), like
  /// `set_state`; the next numbers are those the saved generator would have drawn.
  ///
  /// ```swift
  /// let generator = Generator(seed: 1)
  /// let saved = generator.state
  /// _ = generator.random32()
  /// generator.setState(saved)
  /// generator.random32()   // the same value again
  /// ```
  public func setState(_ state: GeneratorState) {
    withState { value in
      value.engine = MT19937(seed: state.seed, state: state.words, left: state.left, index: state.next)
      value.nextDoubleNormal = state.nextDoubleNormal
      value.nextFloatNormal = state.nextFloatNormal
    }
  }
}
