import CKindlingVector
import KindlingTensor

/// Stochastic gradient descent, optionally with momentum (`torch.optim.SGD`).
///
/// Per step, with `g` the gradient (negated when `maximize`):
/// `g += weightDecay * p`; with momentum, `buf = momentum * buf + (1 - dampening) * g` (the first
/// step sets `buf = g`) and `g = nesterov ? g + momentum * buf : buf`; then `p -= lr * g`.
///
/// ```swift
/// let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9, weightDecay: 5e-4)
/// optimizer.zeroGrad()
/// loss.backward()
/// optimizer.step()
/// ```
public final class SGD: Optimizer {
  /// SGD's options for one parameter group (PyTorch's keys when encoded).
  public struct Options: OptimizerOptions, MomentumOptions {
    public var lr: Double
    public var momentum: Double
    public var dampening: Double
    public var weightDecay: Double
    public var nesterov: Bool
    public var maximize: Bool

    enum CodingKeys: String, CodingKey {
      case lr, momentum, dampening, nesterov, maximize
      case weightDecay = "weight_decay"
    }

    public func overridden(by group: ParamGroup) -> Options {
      Options(
        lr: group.lr ?? lr, momentum: group.momentum ?? momentum, dampening: group.dampening ?? dampening,
        weightDecay: group.weightDecay ?? weightDecay, nesterov: group.nesterov ?? nesterov,
        maximize: group.maximize ?? maximize)
    }

    public func validate() {
      checkOption(lr >= 0, "learning rate", lr)
      checkOption(momentum >= 0, "momentum value", momentum)
      checkOption(weightDecay >= 0, "weight_decay value", weightDecay)
      precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
    }
  }

  /// SGD's state of one parameter: the momentum buffer (only with momentum).
  public struct ParamState: OptimizerParamState {
    /// `momentum_buffer`.
    public var momentumBuffer: Tensor?

    public var namedTensors: [(String, Tensor)] { momentumBuffer.map { [("momentum_buffer", $0)] } ?? [] }

    public init(momentumBuffer: Tensor?) { self.momentumBuffer = momentumBuffer }

    public init(restoring saved: SavedParamState) throws(OptimizerStateError) {
      momentumBuffer = try saved.optionalBuffer("momentum_buffer")
    }
  }

  public let defaults: Options
  public var paramGroups: [OptimizerParamGroup<Options>]
  public var state: [ObjectIdentifier: ParamState] = [:]

  /// SGD over `groups`, whose unset options take these defaults.
  ///
  /// - Precondition: `lr`, `momentum`, `weightDecay` ≥ 0; `nesterov` needs `momentum > 0` and
  ///   `dampening == 0` (PyTorch's messages, e.g. `Invalid learning rate: -1.0`).
  public init(
    _ groups: [ParamGroup], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
    nesterov: Bool = false, maximize: Bool = false
  ) {
    defaults = Options(
      lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov, maximize: maximize)
    paramGroups = makeParamGroups(groups, defaults: defaults)
  }

  /// SGD over one group holding `params`.
  ///
  /// ```swift
  /// let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9, nesterov: true)
  /// ```
  public convenience init(
    _ params: [Tensor], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
    nesterov: Bool = false, maximize: Bool = false
  ) {
    self.init(
      [ParamGroup(params: params)], lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
      nesterov: nesterov, maximize: maximize)
  }

  public func step() {
    forEachParameterWithGrad(makeState: { _, _ in ParamState(momentumBuffer: nil) }) { param, grad, options, state in
      var buffers: [Tensor] = []
      var first = false
      if options.momentum != 0 {
        if state.momentumBuffer == nil {
          state.momentumBuffer = Tensor.emptyLike(param)
          first = true
        }
        buffers.append(state.momentumBuffer!)
      }
      applyUpdate(SGDUpdate(options: options, firstStep: first), param: param, grad: grad, buffers: buffers, op: "SGD")
    }
  }
}

/// SGD's update of one element, in `_single_tensor_sgd`'s order.
struct SGDUpdate: FusedUpdate {
  let options: SGD.Options
  let firstStep: Bool

  func run<T: UpdateScalar>(_ o: UpdateOperands<T>) {
    let weightDecay = T(options.weightDecay), negativeLR = T(-options.lr)
    let decays = options.weightDecay != 0, nesterov = options.nesterov, maximize = options.maximize
    let p = o.param, g = o.grad
    // Every operand is loaded unconditionally and each option picks with a select, not a branch,
    // so the compiler vectorizes the loops.
    guard let buf = o.buffers.0 else {
      for i in 0..<o.count {
        let gi = g[i], pi = p[i]
        var d = maximize ? -gi : gi
        d = decays ? T.fma(pi, weightDecay, d) : d
        p[i] = T.fma(d, negativeLR, pi)
      }
      return
    }
    // The usual case on float32 runs CKindlingVector's loop (AVX2/AVX-512 with a real fused
    // multiply-add, chosen at load time), split across cores; on float64, a loop of its own with
    // the options as constants, which vectorizes well.
    let usual = !maximize && !decays && !nesterov && !firstStep
    if usual, options.dampening == 0, T.self == Float.self {
      let (param, grad, buffer) = (UncheckedPointer(p), UncheckedPointer(UnsafeMutablePointer(mutating: g)), UncheckedPointer(buf))
      let (momentum, lr) = (Float(options.momentum), Float(options.lr))
      Parallel.ranges(o.count, threads: min(Parallel.coreCount, max(1, o.count / 65_536))) { range in
        kindling_sgd_momentum_f32(
          param.pointer + range.lowerBound, grad.pointer + range.lowerBound, buffer.pointer + range.lowerBound,
          range.count, momentum, lr)
      }
      return
    }
    if usual {
      momentumLoop(o, buf, maximize: false, decays: false, first: false, nesterov: false)
    } else {
      momentumLoop(o, buf, maximize: maximize, decays: decays, first: firstStep, nesterov: nesterov)
    }
  }

  /// `_single_tensor_sgd`'s ops, for parameters on a device.
  func tensorOps(param: Tensor, grad: Tensor, buffers: [Tensor]) -> Void? {
    var d = options.maximize ? -grad : grad
    if options.weightDecay != 0 { d = d.add(param, alpha: options.weightDecay) }
    if let buffer = buffers.first {
      if firstStep {
        buffer.copy_(d)
      } else {
        buffer.mul_(Tensor(options.momentum)).add_(d, alpha: 1 - options.dampening)
      }
      d = options.nesterov ? d.add(buffer, alpha: options.momentum) : buffer
    }
    param.add_(d, alpha: -options.lr)
    return ()
  }

  @inline(__always)
  private func momentumLoop<T: UpdateScalar>(
    _ o: UpdateOperands<T>, _ buf: UnsafeMutablePointer<T>, maximize: Bool, decays: Bool, first: Bool, nesterov: Bool
  ) {
    let weightDecay = T(options.weightDecay), momentum = T(options.momentum)
    let keep = T(1 - options.dampening), negativeLR = T(-options.lr)
    let p = o.param, g = o.grad
    for i in 0..<o.count {
      let gi = g[i], pi = p[i], bi = buf[i]
      var d = maximize ? -gi : gi
      d = decays ? T.fma(pi, weightDecay, d) : d
      let b = first ? d : T.fma(d, keep, bi * momentum)
      buf[i] = b
      d = nesterov ? T.fma(b, momentum, d) : b
      p[i] = T.fma(d, negativeLR, pi)
    }
  }
}

/// A pointer handed to the chunks of a parallel loop, each of which touches its own range.
private struct UncheckedPointer: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Float>
  /// `pointer`, whose elements are float32 (the caller has checked `T`).
  init<T>(_ pointer: UnsafeMutablePointer<T>) {
    self.pointer = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
  }
}
