import KindlingAutograd

/// The raw loops of the fused cross-entropy on class indices: log-softmax and the negative
/// log-likelihood in one pass over each contiguous row of `[N, C]` float32/float64 scores.
///
/// Forward, per row: `m = max(x)`, `lse = m + log(Σ exp(x - m))`, `loss = w[t]·(lse - x[t])`.
/// Backward, per row: `scale·w[t]·(exp(x - lse) - onehot(t))`.
enum CrossEntropyKernel {
  /// What the forward leaves for the backward: per row the log-sum-exp and the target's weight
  /// (0 for an ignored target), and the targets as contiguous int64.
  struct Saved {
    let rows: Int
    let classes: Int
    /// `[2, rows]` in the scores' dtype: log-sum-exp, then weights.
    let statistics: Tensor
    let targets: Tensor
  }

  /// Runs the forward on `scores` (contiguous, `[rows, classes]` as memory) and returns the
  /// per-row losses `[rows]`, their total, the total weight, and what the backward needs.
  static func forward(
    _ scores: Tensor, targets: Tensor, weight: Tensor?, ignoreIndex: Int, rows: Int, classes: Int
  ) -> (losses: Tensor, sum: Double, totalWeight: Double, saved: Saved) {
    let targets = targets.to(.int64).contiguous()
    let weight = weight.map { $0.to(scores.dtype).contiguous() }
    let losses = Tensor(uninitializedShape: [rows], dtype: scores.dtype)
    let statistics = Tensor(uninitializedShape: [2, rows], dtype: scores.dtype)
    let saved = Saved(rows: rows, classes: classes, statistics: statistics, targets: targets)
    func run<T: FloatComputeScalar>(_: T.Type) -> (Double, Double) {
      forwardLoop(
        scores: address(scores, T.self), saved: saved, weight: weight.map { address($0, T.self) },
        ignoreIndex: Int64(ignoreIndex), losses: address(losses, T.self))
    }
    let (sum, totalWeight) = scores.dtype == .float32 ? run(Float.self) : run(Double.self)
    return (losses, sum, totalWeight, saved)
  }

  /// The gradient of the scores: `rowScale[i]` (or `scale` for every row) times the gradient of
  /// row `i`'s weighted loss.
  static func backward(_ scores: Tensor, saved: Saved, rowScale: Tensor?, scale: Double) -> Tensor {
    let gradient = Tensor(uninitializedShape: scores.shape, dtype: scores.dtype)
    let rowScale = rowScale.map { $0.to(scores.dtype).contiguous() }
    func run<T: FloatComputeScalar>(_: T.Type) {
      backwardLoop(
        scores: address(scores, T.self), saved: saved, rowScale: rowScale.map { address($0, T.self) },
        scale: T(scale), gradient: address(gradient, T.self))
    }
    scores.dtype == .float32 ? run(Float.self) : run(Double.self)
    return gradient
  }

  private static func address<T>(_ t: Tensor, _: T.Type) -> UnsafeMutablePointer<T> {
    t.storage.pointer(as: T.self) + t.storageOffset
  }

  private static func forwardLoop<T: FloatComputeScalar>(
    scores: UnsafeMutablePointer<T>, saved: Saved, weight: UnsafeMutablePointer<T>?, ignoreIndex: Int64,
    losses: UnsafeMutablePointer<T>
  ) -> (sum: Double, totalWeight: Double) {
    let classes = saved.classes
    let targets = address(saved.targets, Int64.self)
    let logSumExp = address(saved.statistics, T.self), rowWeight = logSumExp + saved.rows
    var sum = 0.0, totalWeight = 0.0
    for i in 0..<saved.rows {
      let t = targets[i]
      guard t != ignoreIndex else {
        losses[i] = 0
        logSumExp[i] = 0
        rowWeight[i] = 0
        continue
      }
      precondition(t >= 0 && t < Int64(classes), "Target \(t) is out of bounds.")
      let row = scores + i * classes
      var m = row[0]
      for c in 1..<classes where row[c] > m || row[c].isNaN { m = row[c] }
      var s: T = 0
      for c in 0..<classes { s += T.exp(row[c] - m) }
      let lse = m + T.log(s)
      let w = weight?[Int(t)] ?? 1
      losses[i] = w * (lse - row[Int(t)])
      logSumExp[i] = lse
      rowWeight[i] = w
      sum += Double(losses[i])
      totalWeight += Double(w)
    }
    return (sum, totalWeight)
  }

  private static func backwardLoop<T: FloatComputeScalar>(
    scores: UnsafeMutablePointer<T>, saved: Saved, rowScale: UnsafeMutablePointer<T>?, scale: T,
    gradient: UnsafeMutablePointer<T>
  ) {
    let classes = saved.classes
    let targets = address(saved.targets, Int64.self)
    let logSumExp = address(saved.statistics, T.self), rowWeight = logSumExp + saved.rows
    for i in 0..<saved.rows {
      let row = scores + i * classes, out = gradient + i * classes
      let factor = rowWeight[i] * (rowScale?[i] ?? scale)
      guard rowWeight[i] != 0 else {
        out.update(repeating: 0, count: classes)
        continue
      }
      let lse = logSumExp[i]
      for c in 0..<classes { out[c] = factor * T.exp(row[c] - lse) }
      out[Int(targets[i])] -= factor
    }
  }
}
