import KindlingTensor

/// RMSprop (`torch.optim.RMSprop`): divides the gradient by a running root mean square.
///
/// Per step, with `g` the gradient (negated when `maximize`): `g += weightDecay * p`;
/// `v = α v + (1 - α) g²`; `avg = √v + eps` (centered: `√(v - ḡ²) + eps` with
/// `ḡ = lerp(ḡ, g, 1 - α)`); with momentum `buf = momentum * buf + g / avg`, `p -= lr * buf`,
/// else `p -= lr * g / avg`.
///
/// ```swift
/// let optimizer = RMSprop(model.parameters(), lr: 0.01, alpha: 0.99, momentum: 0.9)
/// ```
public final class RMSprop: Optimizer {
  /// RMSprop's options for one parameter group (PyTorch's keys when encoded).
  public struct Options: OptimizerOptions, MomentumOptions {
    public var lr: Double
    public var alpha: Double
    public var eps: Double
    public var weightDecay: Double
    public var momentum: Double
    public var centered: Bool
    public var maximize: Bool

    enum CodingKeys: String, CodingKey {
      case lr, alpha, eps, momentum, centered, maximize
      case weightDecay = "weight_decay"
    }

    public func overridden(by group: ParamGroup) -> Options {
      Options(
        lr: group.lr ?? lr, alpha: group.alpha ?? alpha, eps: group.eps ?? eps,
        weightDecay: group.weightDecay ?? weightDecay, momentum: group.momentum ?? momentum,
        centered: group.centered ?? centered, maximize: group.maximize ?? maximize)
    }

    public func validate() {
      checkOption(lr >= 0, "learning rate", lr)
      checkOption(eps >= 0, "epsilon value", eps)
      checkOption(momentum >= 0, "momentum value", momentum)
      checkOption(weightDecay >= 0, "weight_decay value", weightDecay)
      checkOption(alpha >= 0, "alpha value", alpha)
    }
  }

  /// RMSprop's state of one parameter.
  public struct ParamState: OptimizerParamState {
    /// Steps taken (`step`).
    public var step: Double
    /// Running average of the squared gradient (`square_avg`).
    public var squareAvg: Tensor
    /// `momentum_buffer` (only with momentum).
    public var momentumBuffer: Tensor?
    /// Running average of the gradient (`grad_avg`, only when centered).
    public var gradAvg: Tensor?

    public var namedTensors: [(String, Tensor)] {
      [("step", stepTensor(step)), ("square_avg", squareAvg)] + (momentumBuffer.map { [("momentum_buffer", $0)] } ?? [])
        + (gradAvg.map { [("grad_avg", $0)] } ?? [])
    }

    init(zerosLike param: Tensor, options: Options) {
      step = 0
      squareAvg = Tensor.zerosLike(param).contiguous()
      momentumBuffer = options.momentum > 0 ? Tensor.zerosLike(param).contiguous() : nil
      gradAvg = options.centered ? Tensor.zerosLike(param).contiguous() : nil
    }

    public init(restoring saved: SavedParamState) throws(OptimizerStateError) {
      step = try saved.step()
      squareAvg = try saved.buffer("square_avg")
      momentumBuffer = try saved.optionalBuffer("momentum_buffer")
      gradAvg = try saved.optionalBuffer("grad_avg")
    }
  }

  public let defaults: Options
  public var paramGroups: [OptimizerParamGroup<Options>]
  public var state: [ObjectIdentifier: ParamState] = [:]

  /// RMSprop over `groups`, whose unset options take these defaults.
  ///
  /// - Precondition: `lr`, `alpha`, `eps`, `momentum`, `weightDecay` ≥ 0.
  public init(
    _ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
    momentum: Double = 0, centered: Bool = false, maximize: Bool = false
  ) {
    defaults = Options(
      lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum, centered: centered,
      maximize: maximize)
    paramGroups = makeParamGroups(groups, defaults: defaults)
  }

  /// RMSprop over one group holding `params`.
  public convenience init(
    _ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
    momentum: Double = 0, centered: Bool = false, maximize: Bool = false
  ) {
    self.init(
      [ParamGroup(params: params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum,
      centered: centered, maximize: maximize)
  }

  public func step() {
    forEachParameterWithGrad(makeState: { ParamState(zerosLike: $0, options: $1) }) { param, grad, options, state in
      state.step += 1
      if options.momentum > 0 && state.momentumBuffer == nil { state.momentumBuffer = Tensor.zerosLike(param).contiguous() }
      if options.centered && state.gradAvg == nil { state.gradAvg = Tensor.zerosLike(param).contiguous() }
      let buffers =
        [state.squareAvg] + (options.momentum > 0 ? [state.momentumBuffer!] : [])
        + (options.centered ? [state.gradAvg!] : [])
      applyUpdate(RMSpropUpdate(options: options), param: param, grad: grad, buffers: buffers, op: "RMSprop")
    }
  }
}

/// RMSprop's update of one element, in `_single_tensor_rmsprop`'s order (buffers: `square_avg`,
/// then `momentum_buffer` with momentum, then `grad_avg` when centered).
struct RMSpropUpdate: FusedUpdate {
  let options: RMSprop.Options

  func run<T: UpdateScalar>(_ o: UpdateOperands<T>) {
    let alpha = T(options.alpha), weight = T(1 - options.alpha), eps = T(options.eps)
    let decay = T(options.weightDecay), momentum = T(options.momentum), negativeLR = T(-options.lr)
    let decays = options.weightDecay != 0, maximize = options.maximize
    let p = o.param, g = o.grad, v = o.buffers.0!
    let buf = options.momentum > 0 ? o.buffers.1 : nil
    let gAvg = options.centered ? (options.momentum > 0 ? o.buffers.2 : o.buffers.1) : nil
    for i in 0..<o.count {
      var d = maximize ? -g[i] : g[i]
      if decays { d = T.fma(p[i], decay, d) }
      let vi = T.fma(weight * d, d, v[i] * alpha)
      v[i] = vi
      var avg: T
      if let gAvg {
        let a = lerp(gAvg[i], d, weight)
        gAvg[i] = a
        avg = T.fma(-1 * a, a, vi).squareRoot()
      } else {
        avg = vi.squareRoot()
      }
      avg = avg + eps
      if let buf {
        let b = buf[i] * momentum + d / avg
        buf[i] = b
        p[i] = T.fma(b, negativeLR, p[i])
      } else {
        p[i] = p[i] + negativeLR * d / avg
      }
    }
  }
}
