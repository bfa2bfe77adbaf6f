import Foundation
import KindlingTensor

/// Adam (`torch.optim.Adam`): running averages of the gradient and its square with bias
/// correction; `amsgrad` normalizes by the largest second moment so far.
///
/// Per step `t`, with `g` the gradient (negated when `maximize`): `g += weightDecay * p` (or, with
/// `decoupledWeightDecay`, `p *= 1 - lr * weightDecay` as in ``AdamW``);
/// `m = lerp(m, g, 1 - β1)`, `v = β2 v + (1 - β2) g²`;
/// `p -= lr / (1 - β1ᵗ) * m / (√v / √(1 - β2ᵗ) + eps)`.
///
/// ```swift
/// let optimizer = Adam(model.parameters(), lr: 1e-3, betas: (0.9, 0.999))
/// optimizer.zeroGrad()
/// loss.backward()
/// optimizer.step()
/// ```
public class Adam: Optimizer {
  /// Adam's and AdamW's options for one parameter group (PyTorch's keys when encoded).
  public struct Options: OptimizerOptions {
    public var lr: Double
    public var betas: (Double, Double)
    public var eps: Double
    public var weightDecay: Double
    public var amsgrad: Bool
    public var maximize: Bool
    /// Decay the weights directly (AdamW) instead of adding `weightDecay * p` to the gradient.
    public var decoupledWeightDecay: Bool

    public init(
      lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double, amsgrad: Bool, maximize: Bool,
      decoupledWeightDecay: Bool
    ) {
      self.lr = lr
      self.betas = betas
      self.eps = eps
      self.weightDecay = weightDecay
      self.amsgrad = amsgrad
      self.maximize = maximize
      self.decoupledWeightDecay = decoupledWeightDecay
    }

    enum CodingKeys: String, CodingKey {
      case lr, betas, eps, amsgrad, maximize
      case weightDecay = "weight_decay"
      case decoupledWeightDecay = "decoupled_weight_decay"
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      let betas = try c.decode([Double].self, forKey: .betas)
      guard betas.count == 2 else {
        throw DecodingError.dataCorruptedError(forKey: .betas, in: c, debugDescription: "betas must hold two numbers")
      }
      self.init(
        lr: try c.decode(Double.self, forKey: .lr), betas: (betas[0], betas[1]), eps: try c.decode(Double.self, forKey: .eps),
        weightDecay: try c.decode(Double.self, forKey: .weightDecay), amsgrad: try c.decode(Bool.self, forKey: .amsgrad),
        maximize: try c.decode(Bool.self, forKey: .maximize),
        decoupledWeightDecay: try c.decode(Bool.self, forKey: .decoupledWeightDecay))
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(lr, forKey: .lr)
      try c.encode([betas.0, betas.1], forKey: .betas)
      try c.encode(eps, forKey: .eps)
      try c.encode(weightDecay, forKey: .weightDecay)
      try c.encode(amsgrad, forKey: .amsgrad)
      try c.encode(maximize, forKey: .maximize)
      try c.encode(decoupledWeightDecay, forKey: .decoupledWeightDecay)
    }

    public static func == (a: Options, b: Options) -> Bool {
      a.lr == b.lr && a.betas == b.betas && a.eps == b.eps && a.weightDecay == b.weightDecay && a.amsgrad == b.amsgrad
        && a.maximize == b.maximize && a.decoupledWeightDecay == b.decoupledWeightDecay
    }

    public var cyclicMomentum: Double? {
      get { betas.0 }
      set { betas.0 = newValue ?? betas.0 }
    }

    public func overridden(by group: ParamGroup) -> Options {
      Options(
        lr: group.lr ?? lr, betas: group.betas ?? betas, eps: group.eps ?? eps,
        weightDecay: group.weightDecay ?? weightDecay, amsgrad: group.amsgrad ?? amsgrad,
        maximize: group.maximize ?? maximize, decoupledWeightDecay: decoupledWeightDecay)
    }

    public func validate() {
      checkOption(lr >= 0, "learning rate", lr)
      checkOption(eps >= 0, "epsilon value", eps)
      checkOption(0 <= betas.0 && betas.0 < 1, "beta parameter at index 0", betas.0)
      checkOption(0 <= betas.1 && betas.1 < 1, "beta parameter at index 1", betas.1)
      checkOption(weightDecay >= 0, "weight_decay value", weightDecay)
    }
  }

  /// Adam's state of one parameter.
  public struct ParamState: OptimizerParamState {
    /// Steps taken (`step`, saved as a 0-d float32 tensor).
    public var step: Double
    /// Running average of the gradient (`exp_avg`).
    public var expAvg: Tensor
    /// Running average of the squared gradient (`exp_avg_sq`).
    public var expAvgSq: Tensor
    /// The largest `exp_avg_sq` so far (`max_exp_avg_sq`, only with `amsgrad`).
    public var maxExpAvgSq: Tensor?

    public var namedTensors: [(String, Tensor)] {
      [("step", stepTensor(step)), ("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)]
        + (maxExpAvgSq.map { [("max_exp_avg_sq", $0)] } ?? [])
    }

    init(zerosLike param: Tensor, amsgrad: Bool) {
      step = 0
      expAvg = Tensor.zerosLike(param).contiguous()
      expAvgSq = Tensor.zerosLike(param).contiguous()
      maxExpAvgSq = amsgrad ? Tensor.zerosLike(param).contiguous() : nil
    }

    public init(restoring saved: SavedParamState) throws(OptimizerStateError) {
      step = try saved.step()
      expAvg = try saved.buffer("exp_avg")
      expAvgSq = try saved.buffer("exp_avg_sq")
      maxExpAvgSq = try saved.optionalBuffer("max_exp_avg_sq")
    }
  }

  public let defaults: Options
  public var paramGroups: [OptimizerParamGroup<Options>]
  public var state: [ObjectIdentifier: ParamState] = [:]
  /// The name in messages: `Adam` or `AdamW`.
  let name: String

  /// Adam over `groups`, whose unset options take these defaults.
  ///
  /// - Precondition: `lr`, `eps`, `weightDecay` ≥ 0 and both betas in `[0, 1)` (PyTorch's
  ///   messages, e.g. `Invalid beta parameter at index 0: 1.0`).
  public init(
    _ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
    weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false
  ) {
    defaults = Options(
      lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
      decoupledWeightDecay: decoupledWeightDecay)
    paramGroups = makeParamGroups(groups, defaults: defaults)
    name = decoupledWeightDecay ? "AdamW" : "Adam"
  }

  /// Adam over one group holding `params`.
  ///
  /// ```swift
  /// let optimizer = Adam(model.parameters(), lr: 3e-4, amsgrad: true)
  /// ```
  public convenience init(
    _ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
    weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false
  ) {
    self.init(
      [ParamGroup(params: params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
      maximize: maximize, decoupledWeightDecay: decoupledWeightDecay)
  }

  public func step() {
    forEachParameterWithGrad(makeState: { ParamState(zerosLike: $0, amsgrad: $1.amsgrad) }) {
      param, grad, options, state in
      state.step += 1
      if options.amsgrad && state.maxExpAvgSq == nil { state.maxExpAvgSq = Tensor.zerosLike(param).contiguous() }
      let buffers = [state.expAvg, state.expAvgSq] + (options.amsgrad ? [state.maxExpAvgSq!] : [])
      applyUpdate(AdamUpdate(options: options, step: state.step), param: param, grad: grad, buffers: buffers, op: name)
    }
  }
}

/// AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay, `p *= 1 - lr * weightDecay` before
/// the Adam update; the default `weightDecay` is `0.01`.
///
/// ```swift
/// let optimizer = AdamW(model.parameters(), lr: 1e-3, weightDecay: 0.05)
/// ```
public final class AdamW: Adam {
  /// AdamW over `groups`, whose unset options take these defaults.
  public init(
    _ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
    weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false
  ) {
    super.init(
      groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
      decoupledWeightDecay: true)
  }

  /// AdamW over one group holding `params`.
  public convenience init(
    _ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
    weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false
  ) {
    self.init(
      [ParamGroup(params: params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
      maximize: maximize)
  }
}

/// Adam's update of one element, in `_single_tensor_adam`'s order (buffers: `exp_avg`,
/// `exp_avg_sq`, then `max_exp_avg_sq` with amsgrad).
struct AdamUpdate: FusedUpdate {
  let options: Adam.Options
  let step: Double

  func run<T: UpdateScalar>(_ o: UpdateOperands<T>) {
    let coupled = options.weightDecay != 0 && !options.decoupledWeightDecay
    let decoupled = options.weightDecay != 0 && options.decoupledWeightDecay
    // The usual case gets a loop of its own with the options as constants.
    if o.buffers.2 == nil && !options.maximize && !coupled && !decoupled {
      loop(o, maximize: false, coupled: false, decoupled: false, vMax: nil)
    } else {
      loop(o, maximize: options.maximize, coupled: coupled, decoupled: decoupled, vMax: o.buffers.2)
    }
  }

  /// `_single_tensor_adam`'s ops, for parameters on a device.
  func tensorOps(param: Tensor, grad: Tensor, buffers: [Tensor]) -> Void? {
    let (beta1, beta2) = options.betas
    var d = options.maximize ? -grad : grad
    if options.weightDecay != 0 {
      if options.decoupledWeightDecay {
        param.mul_(Tensor(1 - options.lr * options.weightDecay))
      } else {
        d = d.add(param, alpha: options.weightDecay)
      }
    }
    let (m, v) = (buffers[0], buffers[1])
    m.copy_(m.lerp(d, 1 - beta1))
    v.mul_(Tensor(beta2)).add_(d * d, alpha: 1 - beta2)
    var second = v
    if buffers.count > 2 {
      buffers[2].copy_(buffers[2].maximum(v))
      second = buffers[2]
    }
    let denominator = second.sqrt() / pow(1 - pow(beta2, step), 0.5) + options.eps
    param.add_(m / denominator, alpha: -(options.lr / (1 - pow(beta1, step))))
    return ()
  }

  @inline(__always)
  private func loop<T: UpdateScalar>(
    _ o: UpdateOperands<T>, maximize: Bool, coupled: Bool, decoupled: Bool, vMax: UnsafeMutablePointer<T>?
  ) {
    let (beta1, beta2) = options.betas
    let biasCorrection2Sqrt = T(pow(1 - pow(beta2, step), 0.5))
    let negativeStepSize = T(-(options.lr / (1 - pow(beta1, step))))
    let weight1 = T(1 - beta1), beta2T = T(beta2), weight2 = T(1 - beta2), eps = T(options.eps)
    let decay = T(options.weightDecay), shrink = T(1 - options.lr * options.weightDecay)
    let p = o.param, g = o.grad, m = o.buffers.0!, v = o.buffers.1!
    for i in 0..<o.count {
      let gi = g[i]
      var pi = p[i]
      var d = maximize ? -gi : gi
      pi = decoupled ? pi * shrink : pi
      d = coupled ? T.fma(pi, decay, d) : d
      let mi = lerp(m[i], d, weight1)
      m[i] = mi
      var vi = T.fma(weight2 * d, d, v[i] * beta2T)
      v[i] = vi
      if let vMax {
        vi = Swift.max(vMax[i], vi)
        vMax[i] = vi
      }
      let denom = vi.squareRoot() / biasCorrection2Sqrt + eps
      p[i] = pi + negativeStepSize * mi / denom
    }
  }
}
