import KindlingTensor

/// A set of parameters with its own hyperparameters, as you pass it to an optimizer (one of
/// PyTorch's `param_groups` dicts).
///
/// Every option left `nil` takes the optimizer's default (the value given to its initializer);
/// options the optimizer does not have are ignored.
///
/// ```swift
/// let optimizer = SGD(
///   [ParamGroup(params: [model.weight], lr: 0.1), ParamGroup(params: [model.bias])],
///   lr: 0.01, momentum: 0.9)
/// optimizer.paramGroups[0].lr   // 0.1
/// optimizer.paramGroups[1].lr   // 0.01
/// ```
public struct ParamGroup {
  /// The parameters: leaf tensors with `requiresGrad`, updated in place.
  public var params: [Tensor]
  /// Learning rate (`lr`).
  public var lr: Double?
  /// L2 penalty (`weight_decay`).
  public var weightDecay: Double?
  /// Momentum factor (SGD, RMSprop).
  public var momentum: Double?
  /// Dampening for momentum (SGD).
  public var dampening: Double?
  /// Nesterov momentum (SGD).
  public var nesterov: Bool?
  /// Maximize the objective instead of minimizing it.
  public var maximize: Bool?
  /// Coefficients of the running averages of the gradient and its square (Adam, AdamW).
  public var betas: (Double, Double)?
  /// Term added to the denominator for numerical stability.
  public var eps: Double?
  /// The AMSGrad variant (Adam, AdamW).
  public var amsgrad: Bool?
  /// Smoothing constant (RMSprop).
  public var alpha: Double?
  /// Normalize by the estimated variance of the gradient (RMSprop).
  public var centered: Bool?
  /// Learning-rate decay (Adagrad).
  public var lrDecay: Double?
  /// Starting value of the accumulators (Adagrad).
  public var initialAccumulatorValue: Double?
  /// Coefficient of the running averages (Adadelta).
  public var rho: Double?

  /// A group of `params` overriding the options given; the others take the optimizer's defaults.
  public init(
    params: [Tensor], lr: Double? = nil, weightDecay: Double? = nil, momentum: Double? = nil,
    dampening: Double? = nil, nesterov: Bool? = nil, maximize: Bool? = nil, betas: (Double, Double)? = nil,
    eps: Double? = nil, amsgrad: Bool? = nil, alpha: Double? = nil, centered: Bool? = nil, lrDecay: Double? = nil,
    initialAccumulatorValue: Double? = nil, rho: Double? = nil
  ) {
    self.params = params
    self.lr = lr
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.maximize = maximize
    self.betas = betas
    self.eps = eps
    self.amsgrad = amsgrad
    self.alpha = alpha
    self.centered = centered
    self.lrDecay = lrDecay
    self.initialAccumulatorValue = initialAccumulatorValue
    self.rho = rho
  }
}

/// A parameter group inside an optimizer: its parameters and its resolved options.
///
/// A scheduler changes `lr` between steps; you may change any option the same way.
///
/// ```swift
/// optimizer.paramGroups[0].lr *= 0.5
/// optimizer.paramGroups[0].options.momentum = 0.8   // SGD
/// ```
public struct OptimizerParamGroup<Options: OptimizerOptions> {
  /// The parameters, updated in place by `step()`.
  public var params: [Tensor]
  /// Every option of the optimizer for this group.
  public var options: Options
  /// The learning rate a scheduler started from (`initial_lr`), set by the first scheduler attached.
  public var initialLR: Double?

  /// A group of `params` with `options`.
  public init(params: [Tensor], options: Options) {
    self.params = params
    self.options = options
  }

  /// The learning rate of this group (`param_groups[i]["lr"]`).
  public var lr: Double {
    get { options.lr }
    set { options.lr = newValue }
  }
}

/// The hyperparameters of one optimizer's parameter group.
///
/// Each optimizer has its own `Options` (e.g. ``SGD/Options``), `Codable` with PyTorch's key names
/// (`lr`, `momentum`, `weight_decay`, `betas`, ...) so a checkpoint stores them as JSON.
public protocol OptimizerOptions: Codable, Sendable, Equatable {
  /// The learning rate.
  var lr: Double { get set }
  /// The momentum a ``OneCycleLR`` cycles: SGD's and RMSprop's `momentum`, Adam's `beta1`; `nil`
  /// for optimizers with neither.
  var cyclicMomentum: Double? { get set }
  /// These options with the non-`nil` options of `group` replacing them.
  func overridden(by group: ParamGroup) -> Self
  /// Stops with PyTorch's message if an option is out of range (`Invalid learning rate: -1.0`).
  func validate()
}

extension OptimizerOptions {
  public var cyclicMomentum: Double? {
    get { nil }
    set {}
  }
}

/// Options with a `momentum` (SGD, RMSprop): their ``OptimizerOptions/cyclicMomentum`` is it.
///
/// ```swift
/// var options = optimizer.paramGroups[0].options   // SGD.Options
/// options.cyclicMomentum = 0.85                     // sets options.momentum
/// ```
public protocol MomentumOptions: OptimizerOptions {
  /// The momentum factor.
  var momentum: Double { get set }
}

extension MomentumOptions {
  public var cyclicMomentum: Double? {
    get { momentum }
    set { momentum = newValue ?? momentum }
  }
}

/// Stops with `Invalid <what>: <value>` (PyTorch's `ValueError`) unless `valid`.
func checkOption(_ valid: Bool, _ what: String, _ value: Double) {
  precondition(valid, "Invalid \(what): \(value)")
}
