import CKindlingVector

/// Turns flushing of denormal (subnormal) floating-point numbers to zero on or off for the CPU
/// ops this thread runs (PyTorch's `torch.set_flush_denormal`).
///
/// With it on, a float32 or float64 result smaller in magnitude than
/// `Float.leastNormalMagnitude` (`Double.leastNormalMagnitude`) becomes 0, and a denormal input
/// is read as 0 (x86-64: MXCSR's FTZ and DAZ flags; AArch64: FPCR's FZ). Arithmetic on denormal
/// numbers is many times slower on most CPUs: in a long SGD-momentum run, the momentum buffers of
/// units that no longer receive a gradient shrink into denormals and can make the optimizer
/// step several times slower. Off is the default, as in PyTorch.
///
/// The setting belongs to the calling thread, as the CPU's flags do: the chunks of a parallel
/// kernel that Kindling's worker threads run follow the thread that started the op. Other
/// threads of your own (a data loader's workers) keep theirs, and so do OpenBLAS's threads
/// (matrix products of 512 and more on every side with `BLAS.threadCount` above 1).
///
/// ```swift
/// let tiny = Tensor([1e-40], dtype: .float32)   // a denormal float32
/// setFlushDenormal(true)                         // true on x86-64 and AArch64
/// (tiny * 1).item(as: Float.self)                // 0.0
/// setFlushDenormal(false)
/// (tiny * 1).item(as: Float.self)                // 1e-40
/// ```
///
/// - Returns: `true` when the CPU supports the mode (x86-64 and AArch64), `false` otherwise,
///   where nothing changes.
@discardableResult
public func setFlushDenormal(_ on: Bool) -> Bool {
  kindling_flush_denormal_set(on ? 1 : 0) == 1
}

/// Whether the calling thread flushes denormal numbers to zero (``setFlushDenormal(_:)``).
public var isFlushDenormalEnabled: Bool { kindling_flush_denormal_get() == 1 }

/// Sets the calling thread's flush-to-zero state to `mode` (a `kindling_flush_denormal_get()`
/// value) if it differs, returning the state it had: how a worker thread takes on the setting of
/// the thread whose kernel chunk it runs.
@inline(__always)
@discardableResult
func adoptFlushDenormalMode(_ mode: Int32) -> Int32 {
  let own = kindling_flush_denormal_get()
  if own != mode { _ = kindling_flush_denormal_set(mode) }
  return own
}

/// Runs `body` with the calling thread's flush-to-zero state set to `mode`, restoring its own
/// afterwards (a chunk run on one of Dispatch's threads).
@inline(__always)
func withFlushDenormalMode(_ mode: Int32, _ body: () -> Void) {
  let own = adoptFlushDenormalMode(mode)
  body()
  if own != mode { _ = kindling_flush_denormal_set(own) }
}
