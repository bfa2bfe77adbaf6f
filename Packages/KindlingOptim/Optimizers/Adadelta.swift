import KindlingTensor

/// Adadelta (`torch.optim.Adadelta`): steps scaled by running averages of squared gradients and
/// squared updates, so `lr` is only a multiplier (default 1).
///
/// Per step, with `g` the gradient (negated when `maximize`): `g += weightDecay * p`;
/// `v = ρ v + (1 - ρ) g²`; `δ = √(u + eps) / √(v + eps) * g`; `u = ρ u + (1 - ρ) δ²`; `p -= lr * δ`.
///
/// ```swift
/// let optimizer = Adadelta(model.parameters(), rho: 0.9)
/// ```
public final class Adadelta: Optimizer {
  /// Adadelta's options for one parameter group (PyTorch's keys when encoded).
  public struct Options: OptimizerOptions {
    public var lr: Double
    public var rho: Double
    public var eps: Double
    public var weightDecay: Double
    public var maximize: Bool

    enum CodingKeys: String, CodingKey {
      case lr, rho, eps, maximize
      case weightDecay = "weight_decay"
    }

    public func overridden(by group: ParamGroup) -> Options {
      Options(
        lr: group.lr ?? lr, rho: group.rho ?? rho, eps: group.eps ?? eps, weightDecay: group.weightDecay ?? weightDecay,
        maximize: group.maximize ?? maximize)
    }

    public func validate() {
      checkOption(lr >= 0, "learning rate", lr)
      checkOption(0 <= rho && rho <= 1, "rho value", rho)
      checkOption(eps >= 0, "epsilon value", eps)
      checkOption(weightDecay >= 0, "weight_decay value", weightDecay)
    }
  }

  /// Adadelta's state of one parameter.
  public struct ParamState: OptimizerParamState {
    /// Steps taken (`step`).
    public var step: Double
    /// Running average of the squared gradient (`square_avg`).
    public var squareAvg: Tensor
    /// Running average of the squared update (`acc_delta`).
    public var accDelta: Tensor

    public var namedTensors: [(String, Tensor)] {
      [("step", stepTensor(step)), ("square_avg", squareAvg), ("acc_delta", accDelta)]
    }

    init(zerosLike param: Tensor) {
      step = 0
      squareAvg = Tensor.zerosLike(param).contiguous()
      accDelta = Tensor.zerosLike(param).contiguous()
    }

    public init(restoring saved: SavedParamState) throws(OptimizerStateError) {
      step = try saved.step()
      squareAvg = try saved.buffer("square_avg")
      accDelta = try saved.buffer("acc_delta")
    }
  }

  public let defaults: Options
  public var paramGroups: [OptimizerParamGroup<Options>]
  public var state: [ObjectIdentifier: ParamState] = [:]

  /// Adadelta over `groups`, whose unset options take these defaults.
  ///
  /// - Precondition: `lr`, `eps`, `weightDecay` ≥ 0 and `rho` in `[0, 1]`.
  public init(
    _ groups: [ParamGroup], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
    maximize: Bool = false
  ) {
    defaults = Options(lr: lr, rho: rho, eps: eps, weightDecay: weightDecay, maximize: maximize)
    paramGroups = makeParamGroups(groups, defaults: defaults)
  }

  /// Adadelta over one group holding `params`.
  public convenience init(
    _ params: [Tensor], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
    maximize: Bool = false
  ) {
    self.init([ParamGroup(params: params)], lr: lr, rho: rho, eps: eps, weightDecay: weightDecay, maximize: maximize)
  }

  public func step() {
    forEachParameterWithGrad(makeState: { param, _ in ParamState(zerosLike: param) }) { param, grad, options, state in
      state.step += 1
      applyUpdate(
        AdadeltaUpdate(options: options), param: param, grad: grad, buffers: [state.squareAvg, state.accDelta],
        op: "Adadelta")
    }
  }
}

/// Adadelta's update of one element, in `_single_tensor_adadelta`'s order (buffers: `square_avg`,
/// `acc_delta`).
struct AdadeltaUpdate: FusedUpdate {
  let options: Adadelta.Options

  func run<T: UpdateScalar>(_ o: UpdateOperands<T>) {
    let rho = T(options.rho), weight = T(1 - options.rho), eps = T(options.eps)
    let decay = T(options.weightDecay), negativeLR = T(-options.lr)
    let decays = options.weightDecay != 0, maximize = options.maximize
    let p = o.param, g = o.grad, v = o.buffers.0!, u = o.buffers.1!
    for i in 0..<o.count {
      var d = maximize ? -g[i] : g[i]
      if decays { d = T.fma(p[i], decay, d) }
      let vi = T.fma(weight * d, d, v[i] * rho)
      v[i] = vi
      let std = (vi + eps).squareRoot()
      let delta = (u[i] + eps).squareRoot() / std * d
      u[i] = T.fma(weight * delta, delta, u[i] * rho)
      p[i] = T.fma(delta, negativeLR, p[i])
    }
  }
}
