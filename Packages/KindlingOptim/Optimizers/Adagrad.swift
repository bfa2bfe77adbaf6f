import KindlingTensor

/// Adagrad (`torch.optim.Adagrad`): divides by the root of the sum of all squared gradients.
///
/// Per step `t`, with `g` the gradient (negated when `maximize`): `g += weightDecay * p`;
/// `sum += g²`; `p -= lr / (1 + (t - 1) lrDecay) * g / (√sum + eps)`. The sums start at
/// `initialAccumulatorValue` and exist from construction on, as in PyTorch.
///
/// ```swift
/// let optimizer = Adagrad(model.parameters(), lr: 0.01, lrDecay: 1e-4)
/// ```
public final class Adagrad: Optimizer {
  /// Adagrad's options for one parameter group (PyTorch's keys when encoded).
  public struct Options: OptimizerOptions {
    public var lr: Double
    public var lrDecay: Double
    public var weightDecay: Double
    public var initialAccumulatorValue: Double
    public var eps: Double
    public var maximize: Bool

    enum CodingKeys: String, CodingKey {
      case lr, eps, maximize
      case lrDecay = "lr_decay"
      case weightDecay = "weight_decay"
      case initialAccumulatorValue = "initial_accumulator_value"
    }

    public func overridden(by group: ParamGroup) -> Options {
      Options(
        lr: group.lr ?? lr, lrDecay: group.lrDecay ?? lrDecay, weightDecay: group.weightDecay ?? weightDecay,
        initialAccumulatorValue: group.initialAccumulatorValue ?? initialAccumulatorValue, eps: group.eps ?? eps,
        maximize: group.maximize ?? maximize)
    }

    public func validate() {
      checkOption(lr >= 0, "learning rate", lr)
      checkOption(lrDecay >= 0, "lr_decay value", lrDecay)
      checkOption(weightDecay >= 0, "weight_decay value", weightDecay)
      checkOption(initialAccumulatorValue >= 0, "initial_accumulator_value value", initialAccumulatorValue)
      checkOption(eps >= 0, "epsilon value", eps)
    }
  }

  /// Adagrad's state of one parameter.
  public struct ParamState: OptimizerParamState {
    /// Steps taken (`step`).
    public var step: Double
    /// The sum of squared gradients (`sum`).
    public var sum: Tensor

    public var namedTensors: [(String, Tensor)] { [("step", stepTensor(step)), ("sum", sum)] }

    init(param: Tensor, initialValue: Double) {
      step = 0
      sum = Tensor.fullLike(param, initialValue).contiguous()
    }

    public init(restoring saved: SavedParamState) throws(OptimizerStateError) {
      step = try saved.step()
      sum = try saved.buffer("sum")
    }
  }

  public let defaults: Options
  public var paramGroups: [OptimizerParamGroup<Options>]
  public var state: [ObjectIdentifier: ParamState] = [:]

  /// Adagrad over `groups`, whose unset options take these defaults.
  ///
  /// - Precondition: every option ≥ 0 (PyTorch's messages, e.g. `Invalid lr_decay value: -1.0`).
  public init(
    _ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
    initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false
  ) {
    defaults = Options(
      lr: lr, lrDecay: lrDecay, weightDecay: weightDecay, initialAccumulatorValue: initialAccumulatorValue, eps: eps,
      maximize: maximize)
    paramGroups = makeParamGroups(groups, defaults: defaults)
    for group in paramGroups {
      for param in group.params { state[ObjectIdentifier(param)] = initialState(for: param, options: group.options) }
    }
  }

  /// Adagrad over one group holding `params`.
  public convenience init(
    _ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
    initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false
  ) {
    self.init(
      [ParamGroup(params: params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
      initialAccumulatorValue: initialAccumulatorValue, eps: eps, maximize: maximize)
  }

  public func initialState(for param: Tensor, options: Options) -> ParamState? {
    ParamState(param: param, initialValue: options.initialAccumulatorValue)
  }

  public func step() {
    forEachParameterWithGrad(makeState: { ParamState(param: $0, initialValue: $1.initialAccumulatorValue) }) {
      param, grad, options, state in
      state.step += 1
      let update = AdagradUpdate(options: options, clr: options.lr / (1 + (state.step - 1) * options.lrDecay))
      applyUpdate(update, param: param, grad: grad, buffers: [state.sum], op: "Adagrad")
    }
  }
}

/// Adagrad's update of one element, in `_single_tensor_adagrad`'s order (buffer: `sum`).
struct AdagradUpdate: FusedUpdate {
  let options: Adagrad.Options
  /// The decayed learning rate of this step.
  let clr: Double

  func run<T: UpdateScalar>(_ o: UpdateOperands<T>) {
    let decay = T(options.weightDecay), eps = T(options.eps), negativeCLR = T(-clr)
    let decays = options.weightDecay != 0, maximize = options.maximize
    let p = o.param, g = o.grad, sum = o.buffers.0!
    for i in 0..<o.count {
      var d = maximize ? -g[i] : g[i]
      if decays { d = T.fma(p[i], decay, d) }
      let s = T.fma(1 * d, d, sum[i])
      sum[i] = s
      p[i] = p[i] + negativeCLR * d / (s.squareRoot() + eps)
    }
  }
}
