import KindlingAutograd
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingOptim

/// An option value in a fixture: a number, a flag or a pair of betas.
enum OptionValue: Decodable {
  case number(Double)
  case flag(Bool)
  case list([Double])
  case text(String)

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let text = try? c.decode(String.self) {
      self = .text(text)
    } else if let flag = try? c.decode(Bool.self) {
      self = .flag(flag)
    } else if let number = try? c.decode(Double.self) {
      self = .number(number)
    } else {
      self = .list(try c.decode([Double].self))
    }
  }
}

extension [String: OptionValue] {
  func number(_ key: String) -> Double? { if case .number(let v)? = self[key] { v } else { nil } }
  func flag(_ key: String) -> Bool? { if case .flag(let v)? = self[key] { v } else { nil } }
  func text(_ key: String) -> String? { if case .text(let v)? = self[key] { v } else { nil } }
  func pair(_ key: String) -> (Double, Double)? { if case .list(let v)? = self[key] { (v[0], v[1]) } else { nil } }
}

/// The fixture's loss `Σ (p - t)² c + Σ sin p` over three parameters, and its initial values.
struct Problem: Decodable {
  let inits: [FixtureTensor]
  let targets: [FixtureTensor]
  let scales: [FixtureTensor]

  func freshParams() -> [Tensor] {
    inits.map { initial in
      let p = initial.tensor.clone()
      p.requiresGrad = true
      return p
    }
  }

  func loss(_ params: [Tensor]) -> Tensor {
    let targets = targets.map(\.tensor), scales = scales.map(\.tensor)
    var total: Tensor?
    for (p, (t, c)) in zip(params, zip(targets, scales)) {
      let term = ((p - t) * (p - t) * c).sum() + p.sin().sum()
      total = total.map { $0 + term } ?? term
    }
    return total!
  }
}

/// Runs `steps` optimizer steps on `problem`'s loss.
func train(_ optimizer: some Optimizer, _ params: [Tensor], _ problem: Problem, steps: Int) {
  for _ in 0..<steps {
    optimizer.zeroGrad()
    problem.loss(params).backward()
    optimizer.step()
  }
}

/// An optimizer named as in PyTorch with the fixture's options (PyTorch's keys).
func makeOptimizer(_ name: String, _ params: [Tensor], _ o: [String: OptionValue]) -> any Optimizer {
  let lr = o.number("lr")!, wd = o.number("weight_decay"), maximize = o.flag("maximize") ?? false
  switch name {
  case "SGD":
    return SGD(
      params, lr: lr, momentum: o.number("momentum") ?? 0, dampening: o.number("dampening") ?? 0,
      weightDecay: wd ?? 0, nesterov: o.flag("nesterov") ?? false, maximize: maximize)
  case "Adam":
    return Adam(
      params, lr: lr, betas: o.pair("betas") ?? (0.9, 0.999), eps: o.number("eps") ?? 1e-8, weightDecay: wd ?? 0,
      amsgrad: o.flag("amsgrad") ?? false, maximize: maximize)
  case "AdamW":
    return AdamW(
      params, lr: lr, betas: o.pair("betas") ?? (0.9, 0.999), eps: o.number("eps") ?? 1e-8, weightDecay: wd ?? 1e-2,
      amsgrad: o.flag("amsgrad") ?? false, maximize: maximize)
  case "RMSprop":
    return RMSprop(
      params, lr: lr, alpha: o.number("alpha") ?? 0.99, eps: o.number("eps") ?? 1e-8, weightDecay: wd ?? 0,
      momentum: o.number("momentum") ?? 0, centered: o.flag("centered") ?? false, maximize: maximize)
  case "Adagrad":
    return Adagrad(
      params, lr: lr, lrDecay: o.number("lr_decay") ?? 0, weightDecay: wd ?? 0,
      initialAccumulatorValue: o.number("initial_accumulator_value") ?? 0, eps: o.number("eps") ?? 1e-10,
      maximize: maximize)
  case "Adadelta":
    return Adadelta(
      params, lr: lr, rho: o.number("rho") ?? 0.9, eps: o.number("eps") ?? 1e-6, weightDecay: wd ?? 0,
      maximize: maximize)
  default:
    fatalError("unknown optimizer \(name)")
  }
}
