/// The 32-bit Mersenne Twister (MT19937) exactly as PyTorch's CPU generator runs it.
///
/// Seeding follows `at::mt19937`: only the low 32 bits of the seed feed the state (so seeds
/// that differ only above bit 31 give the same stream), while ``seed`` keeps all 64 bits,
/// which is what `torch.initial_seed()` reports. Each call to ``next()`` returns one tempered
/// 32-bit output; the state is regenerated every 624 outputs.
///
/// ```swift
/// var engine = MT19937(seed: 0)
/// engine.next()  // 2357136044, the first output of mt19937 seeded with 0
/// ```
public struct MT19937: Sendable, Equatable {
  static let stateSize = 624
  static let shift = 397
  static let matrixA: UInt32 = 0x9908_b0df

  /// The seed this engine was created with, all 64 bits of it.
  ///
  /// ```swift
  /// MT19937(seed: 1 << 40 | 7).seed  // 1099511627783
  /// ```
  public let seed: UInt64
  /// The 624 words, the outputs left before the next regeneration (plus one), and the index of
  /// the next word: `mt19937_data_pod`'s `state_`, `left_` and `next_`.
  private(set) var state: [UInt32]
  private(set) var left = 1
  private(set) var index = 0

  /// Creates an engine seeded the way `torch.manual_seed` seeds PyTorch's CPU generator.
  ///
  /// ```swift
  /// var engine = MT19937(seed: 42)
  /// let first = engine.next()
  /// ```
  public init(seed: UInt64 = 5489) {
    self.seed = seed
    var state = [UInt32](repeating: 0, count: Self.stateSize)
    state[0] = UInt32(truncatingIfNeeded: seed)
    for j in 1..<Self.stateSize {
      let previous = state[j - 1]
      state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
    }
    self.state = state
  }

  /// An engine resumed from saved words; the caller has checked `1 <= left`, `left + index <= 625`.
  init(seed: UInt64, state: [UInt32], left: Int, index: Int) {
    precondition(state.count == Self.stateSize && left >= 1 && index >= 0 && left + index <= Self.stateSize + 1)
    self.seed = seed
    self.state = state
    self.left = left
    self.index = index
  }

  /// The next tempered 32-bit output.
  ///
  /// ```swift
  /// var engine = MT19937(seed: 0)
  /// let value: UInt32 = engine.next()
  /// ```
  public mutating func next() -> UInt32 {
    left -= 1
    if left == 0 { regenerate() }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9d2c_5680
    y ^= (y << 15) & 0xefc6_0000
    y ^= y >> 18
    return y
  }

  /// Refills all 624 words of the state in place, in the same order as `next_state()`.
  private mutating func regenerate() {
    left = Self.stateSize
    index = 0
    state.withUnsafeMutableBufferPointer { s in
      let n = Self.stateSize, m = Self.shift
      @inline(__always) func twist(_ u: UInt32, _ v: UInt32) -> UInt32 {
        let mixed = (u & 0x8000_0000) | (v & 0x7fff_ffff)
        return (mixed >> 1) ^ (v & 1 == 0 ? 0 : Self.matrixA)
      }
      for k in 0..<(n - m) { s[k] = s[k + m] ^ twist(s[k], s[k + 1]) }
      for k in (n - m)..<(n - 1) { s[k] = s[k + m - n] ^ twist(s[k], s[k + 1]) }
      s[n - 1] = s[m - 1] ^ twist(s[n - 1], s[0])
    }
  }
}
