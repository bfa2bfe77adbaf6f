/// Everything that defines a training run; stored in every checkpoint and in `run.json`, so
/// `--resume` continues with the same settings and `eval`/`predict` rebuild the right model.
struct TrainSettings: Codable, Equatable {
  var model: ModelKind
  var dataset: String
  var dataRoot: String?
  var epochs: Int
  var batchSize: Int
  var learningRate: Double
  var optimizer: String
  var momentum: Double
  var weightDecay: Double
  var scheduler: String
  var device: String
  var threads: Int?
  var seed: UInt64
  var workers: Int
  /// `--flush-denormal`: `true`, or `nil` (absent from the settings of runs made before the option).
  var flushDenormal: Bool? = nil
}

/// Where a run stands: the epoch and batch to do next, and the metrics so far.
struct TrainProgress: Codable, Equatable {
  /// The epoch in progress or next (0-based).
  var epoch: Int
  /// Batches of `epoch` already trained (0 at an epoch boundary).
  var batch: Int
  /// Sum of the training losses of those batches.
  var lossSum: Double
  var history: [EpochMetrics]
  var bestAccuracy: Double
}
