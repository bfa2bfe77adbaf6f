import KindlingAutograd

// The losses as modules holding their options (PyTorch's `nn.MSELoss`, `nn.CrossEntropyLoss`, ...).
// Each calls its free function from Losses/. Class weights are buffers, as in PyTorch (state-dict
// keys `weight`, `pos_weight`); the printout is PyTorch's (`CrossEntropyLoss()`).

/// `nn.MSELoss`: see ``mseLoss(_:_:reduction:)``.
///
/// ```swift
/// let criterion = MSELoss()
/// let loss = criterion(prediction, target)
/// ```
public final class MSELoss: Module {
  public var reduction: Reduction
  public init(reduction: Reduction = .mean) { self.reduction = reduction }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    mseLoss(input, target, reduction: reduction)
  }
}

/// `nn.L1Loss`: see ``l1Loss(_:_:reduction:)``.
///
/// ```swift
/// let loss = L1Loss(reduction: .sum)(prediction, target)
/// ```
public final class L1Loss: Module {
  public var reduction: Reduction
  public init(reduction: Reduction = .mean) { self.reduction = reduction }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    l1Loss(input, target, reduction: reduction)
  }
}

/// `nn.SmoothL1Loss`: see ``smoothL1Loss(_:_:reduction:beta:)``.
///
/// ```swift
/// let loss = SmoothL1Loss(beta: 0.5)(prediction, target)
/// ```
public final class SmoothL1Loss: Module {
  public var reduction: Reduction
  public var beta: Double
  public init(reduction: Reduction = .mean, beta: Double = 1.0) { (self.reduction, self.beta) = (reduction, beta) }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    smoothL1Loss(input, target, reduction: reduction, beta: beta)
  }
}

/// `nn.HuberLoss`: see ``huberLoss(_:_:reduction:delta:)``.
///
/// ```swift
/// let loss = HuberLoss(delta: 2)(prediction, target)
/// ```
public final class HuberLoss: Module {
  public var reduction: Reduction
  public var delta: Double
  public init(reduction: Reduction = .mean, delta: Double = 1.0) { (self.reduction, self.delta) = (reduction, delta) }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    huberLoss(input, target, reduction: reduction, delta: delta)
  }
}

/// `nn.CrossEntropyLoss`: see ``crossEntropy(_:_:weight:ignoreIndex:reduction:labelSmoothing:)``.
///
/// ```swift
/// let criterion = CrossEntropyLoss(labelSmoothing: 0.1)
/// let loss = criterion(logits, labels)   // logits [N, C], labels [N]
/// ```
public final class CrossEntropyLoss: Module {
  @Buffer public var weight: Tensor?
  public var ignoreIndex: Int
  public var reduction: Reduction
  public var labelSmoothing: Double
  public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0)
  {
    (self.ignoreIndex, self.reduction, self.labelSmoothing) = (ignoreIndex, reduction, labelSmoothing)
    super.init()
    self.weight = weight
  }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    crossEntropy(
      input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
  }
}

/// `nn.NLLLoss`: see ``nllLoss(_:_:weight:ignoreIndex:reduction:)``.
///
/// ```swift
/// let loss = NLLLoss()(logits.logSoftmax(dim: 1), labels)
/// ```
public final class NLLLoss: Module {
  @Buffer public var weight: Tensor?
  public var ignoreIndex: Int
  public var reduction: Reduction
  public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
    (self.ignoreIndex, self.reduction) = (ignoreIndex, reduction)
    super.init()
    self.weight = weight
  }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
  }
}

/// `nn.BCELoss`: see ``binaryCrossEntropy(_:_:weight:reduction:)``.
///
/// ```swift
/// let loss = BCELoss()(probabilities, targets)
/// ```
public final class BCELoss: Module {
  @Buffer public var weight: Tensor?
  public var reduction: Reduction
  public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
    self.reduction = reduction
    super.init()
    self.weight = weight
  }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
  }
}

/// `nn.BCEWithLogitsLoss`: see ``binaryCrossEntropyWithLogits(_:_:weight:reduction:posWeight:)``.
///
/// ```swift
/// let loss = BCEWithLogitsLoss(posWeight: Tensor([3.0]))(logits, targets)
/// ```
public final class BCEWithLogitsLoss: Module {
  @Buffer public var weight: Tensor?
  @Buffer public var posWeight: Tensor?
  public var reduction: Reduction
  public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
    self.reduction = reduction
    super.init()
    (self.weight, self.posWeight) = (weight, posWeight)
  }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    binaryCrossEntropyWithLogits(input, target, weight: weight, reduction: reduction, posWeight: posWeight)
  }
}

/// `nn.KLDivLoss`: see ``klDiv(_:_:reduction:logTarget:)``.
///
/// ```swift
/// let loss = KLDivLoss(reduction: .batchMean)(logq, p)
/// ```
public final class KLDivLoss: Module {
  public var reduction: KLDivReduction
  public var logTarget: Bool
  public init(reduction: KLDivReduction = .mean, logTarget: Bool = false) {
    (self.reduction, self.logTarget) = (reduction, logTarget)
  }
  public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
    klDiv(input, target, reduction: reduction, logTarget: logTarget)
  }
}

/// `nn.CosineEmbeddingLoss`: see ``cosineEmbeddingLoss(_:_:_:margin:reduction:)``.
///
/// ```swift
/// let loss = CosineEmbeddingLoss(margin: 0.2)(a, b, Tensor([1, -1]))
/// ```
public final class CosineEmbeddingLoss: Module {
  public var margin: Double
  public var reduction: Reduction
  public init(margin: Double = 0, reduction: Reduction = .mean) { (self.margin, self.reduction) = (margin, reduction) }
  public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
    cosineEmbeddingLoss(input1, input2, target, margin: margin, reduction: reduction)
  }
}

/// `nn.MarginRankingLoss`: see ``marginRankingLoss(_:_:_:margin:reduction:)``.
///
/// ```swift
/// let loss = MarginRankingLoss(margin: 0.1)(scoresA, scoresB, Tensor([1.0, -1.0]))
/// ```
public final class MarginRankingLoss: Module {
  public var margin: Double
  public var reduction: Reduction
  public init(margin: Double = 0, reduction: Reduction = .mean) { (self.margin, self.reduction) = (margin, reduction) }
  public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
    marginRankingLoss(input1, input2, target, margin: margin, reduction: reduction)
  }
}
