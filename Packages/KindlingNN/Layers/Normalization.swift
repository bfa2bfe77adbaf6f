/// The shared part of ``BatchNorm1d`` and ``BatchNorm2d`` (PyTorch's `_BatchNorm`): parameters
/// `weight` (ones) and `bias` (zeros) of size `numFeatures` when `affine`, and the buffers
/// `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (int64 0) when
/// `trackRunningStats`.
///
/// In training mode a call normalizes with the batch's statistics and updates the running ones
/// with `momentum` (or, with `momentum: nil`, their cumulative average); in evaluation mode it
/// normalizes with the running statistics (the batch's when there are none).
public class BatchNorm: Module {
  @Parameter public var weight: Tensor?
  @Parameter public var bias: Tensor?
  @Buffer public var runningMean: Tensor?
  @Buffer public var runningVar: Tensor?
  @Buffer public var numBatchesTracked: Tensor?
  public let numFeatures: Int
  public let eps: Double
  /// The weight of the batch in the running averages; `nil` for a cumulative average.
  public let momentum: Double?
  public let affine: Bool
  public let trackRunningStats: Bool

  public init(
    _ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
    trackRunningStats: Bool = true, bias: Bool = true, dtype: DType = .float32
  ) {
    (self.numFeatures, self.eps, self.momentum) = (numFeatures, eps, momentum)
    (self.affine, self.trackRunningStats) = (affine, trackRunningStats)
    weight = affine ? Tensor.empty([numFeatures], dtype: dtype) : nil
    self.bias = affine && bias ? Tensor.empty([numFeatures], dtype: dtype) : nil
    if trackRunningStats {
      runningMean = Tensor.zeros([numFeatures], dtype: dtype)
      runningVar = Tensor.ones([numFeatures], dtype: dtype)
      numBatchesTracked = Tensor.zeros([], dtype: .int64)
    }
    super.init()
    resetParameters()
  }

  /// Resets the running statistics: mean 0, variance 1, no batches tracked.
  public func resetRunningStats() {
    guard trackRunningStats else { return }
    noGrad {
      _ = runningMean?.fill_(0)
      _ = runningVar?.fill_(1)
      _ = numBatchesTracked?.fill_(0)
    }
  }

  /// Resets the running statistics, the weight to ones and the bias to zeros.
  public func resetParameters() {
    resetRunningStats()
    resetAffine(weight, bias)
  }

  /// Stops on inputs of the wrong rank; each subclass names the ranks it takes.
  func checkInputRank(_ input: Tensor) {}

  public override func forward(_ input: Tensor) -> Tensor {
    checkInputRank(input)
    var factor = momentum ?? 0
    if isTraining && trackRunningStats, let counter = numBatchesTracked {
      noGrad { _ = counter.copy_(counter + 1) }
      if momentum == nil { factor = 1 / counter.item() }
    }
    let useRunning = !isTraining || trackRunningStats
    return batchNorm(
      input, runningMean: useRunning ? runningMean : nil, runningVar: useRunning ? runningVar : nil,
      weight: weight, bias: bias, training: isTraining || (runningMean == nil && runningVar == nil),
      momentum: factor, eps: eps)
  }

  public override var extraDescription: String {
    "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(pythonBool(affine)), "
      + "bias=\(pythonBool(bias != nil)), track_running_stats=\(pythonBool(trackRunningStats))"
  }
}

/// Batch normalization over `[N, C]` or `[N, C, L]` inputs (`nn.BatchNorm1d`), per channel `C`.
///
/// ```swift
/// let bn = BatchNorm1d(16)
/// let y = bn(Tensor.randn([32, 16]))   // training: batch statistics; running ones updated
/// print(bn)   // BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
/// ```
public final class BatchNorm1d: BatchNorm {
  override func checkInputRank(_ input: Tensor) {
    precondition(input.rank == 2 || input.rank == 3, "BatchNorm1d: expected 2D or 3D input (got \(input.rank)D input)")
  }
}

/// Batch normalization over `[N, C, H, W]` inputs (`nn.BatchNorm2d`), per channel `C`.
///
/// ```swift
/// let bn = BatchNorm2d(8)
/// let y = bn(Tensor.randn([4, 8, 16, 16]))
/// bn.eval()                                   // now normalizes with runningMean / runningVar
/// ```
public final class BatchNorm2d: BatchNorm {
  override func checkInputRank(_ input: Tensor) {
    precondition(input.rank == 4, "BatchNorm2d: expected 4D input (got \(input.rank)D input)")
  }
}

/// Layer normalization over the trailing `normalizedShape` (`nn.LayerNorm`), with an
/// element-wise `weight` (ones) and `bias` (zeros) of that shape when `elementwiseAffine`.
///
/// ```swift
/// let norm = LayerNorm(512)
/// let y = norm(Tensor.randn([8, 10, 512]))
/// print(norm)   // LayerNorm((512,), eps=1e-05, elementwise_affine=True, bias=True)
/// ```
public final class LayerNorm: Module {
  @Parameter public var weight: Tensor?
  @Parameter public var bias: Tensor?
  public let normalizedShape: [Int]
  public let eps: Double
  public let elementwiseAffine: Bool

  public init(
    _ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
    dtype: DType = .float32
  ) {
    (self.normalizedShape, self.eps, self.elementwiseAffine) = (normalizedShape, eps, elementwiseAffine)
    weight = elementwiseAffine ? Tensor.empty(normalizedShape, dtype: dtype) : nil
    self.bias = elementwiseAffine && bias ? Tensor.empty(normalizedShape, dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// One trailing dimension of size `normalizedShape`.
  public convenience init(
    _ normalizedShape: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
    dtype: DType = .float32
  ) {
    self.init([normalizedShape], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, dtype: dtype)
  }

  /// Sets the weight to ones and the bias to zeros.
  public func resetParameters() { resetAffine(weight, bias) }

  public override func forward(_ input: Tensor) -> Tensor {
    layerNorm(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
  }

  public override var extraDescription: String {
    "\(pythonTuple(normalizedShape)), eps=\(eps), elementwise_affine=\(pythonBool(elementwiseAffine)), bias=\(pythonBool(bias != nil))"
  }
}

/// Group normalization (`nn.GroupNorm`): the `numChannels` channels of an `[N, C, *]` input
/// are split into `numGroups` groups, each normalized over its channels and positions, then
/// scaled and shifted per channel by `weight` (ones) and `bias` (zeros) when `affine`.
///
/// ```swift
/// let norm = GroupNorm(4, 32)
/// let y = norm(Tensor.randn([2, 32, 8, 8]))
/// print(norm)   // GroupNorm(4, 32, eps=1e-05, affine=True, bias=True)
/// ```
public final class GroupNorm: Module {
  @Parameter public var weight: Tensor?
  @Parameter public var bias: Tensor?
  public let numGroups: Int
  public let numChannels: Int
  public let eps: Double
  public let affine: Bool

  public init(
    _ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true, bias: Bool = true,
    dtype: DType = .float32
  ) {
    precondition(
      numGroups > 0 && numChannels % numGroups == 0,
      "GroupNorm: num_channels (\(numChannels)) must be divisible by num_groups (\(numGroups))")
    (self.numGroups, self.numChannels, self.eps, self.affine) = (numGroups, numChannels, eps, affine)
    weight = affine ? Tensor.empty([numChannels], dtype: dtype) : nil
    self.bias = affine && bias ? Tensor.empty([numChannels], dtype: dtype) : nil
    super.init()
    resetParameters()
  }

  /// Sets the weight to ones and the bias to zeros.
  public func resetParameters() { resetAffine(weight, bias) }

  public override func forward(_ input: Tensor) -> Tensor {
    groupNorm(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
  }

  public override var extraDescription: String {
    "\(numGroups), \(numChannels), eps=\(eps), affine=\(pythonBool(affine)), bias=\(pythonBool(bias != nil))"
  }
}

/// The identity affine map of a normalization layer: weight ones, bias zeros (either may be absent).
private func resetAffine(_ weight: Tensor?, _ bias: Tensor?) {
  if let weight { Init.ones_(weight) }
  if let bias { Init.zeros_(bias) }
}
