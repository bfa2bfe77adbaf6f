import KindlingTestSupport
import Testing

@testable import KindlingNN

/// One case of Tools/fixtures/nn_losses.py: a loss, its reduction and options, the inputs, an
/// upstream gradient, and PyTorch's loss, gradients of the differentiable inputs and grad_fn name.
struct LossCase: Decodable {
  struct Options: Decodable {
    let beta: Double?
    let delta: Double?
    let margin: Double?
    let ignoreIndex: Int?
    let labelSmoothing: Double?
    let logTarget: Bool?
    let weight: FixtureTensor?
    let posWeight: FixtureTensor?
  }
  let name: String
  let reduction: String
  let options: Options
  let inputs: [FixtureTensor]
  let differentiable: [Bool]
  let upstream: FixtureTensor
  let output: FixtureTensor
  let grads: [FixtureTensor?]
  let gradFn: String?

  var label: String {
    "\(name) \(reduction) \(inputs.map { "\($0.shape) \($0.dtype)" }) beta \(options.beta ?? -1) delta "
      + "\(options.delta ?? -1) weight \(options.weight != nil) posWeight \(options.posWeight != nil) ignore "
      + "\(options.ignoreIndex ?? -100) smoothing \(options.labelSmoothing ?? 0) "
      + "logTarget \(options.logTarget ?? false) "
      + "margin \(options.margin ?? 0)"
  }

  var dtype: DType { inputs[0].kindlingDType }

  /// The loss of this case on `xs` (the case's inputs, possibly other values), as Kindling computes it.
  func loss(_ xs: [Tensor]) -> Tensor {
    let weight = options.weight?.tensor, margin = options.margin ?? 0
    let reduction = Reduction(pytorchName: reduction) ?? .mean
    switch name {
    case "mse": return mseLoss(xs[0], xs[1], reduction: reduction)
    case "l1": return l1Loss(xs[0], xs[1], reduction: reduction)
    case "smooth_l1": return smoothL1Loss(xs[0], xs[1], reduction: reduction, beta: options.beta!)
    case "huber": return huberLoss(xs[0], xs[1], reduction: reduction, delta: options.delta!)
    case "bce": return binaryCrossEntropy(xs[0], xs[1], weight: weight, reduction: reduction)
    case "bce_logits":
      return binaryCrossEntropyWithLogits(
        xs[0], xs[1], weight: weight, reduction: reduction, posWeight: options.posWeight?.tensor)
    case "cross_entropy":
      return crossEntropy(
        xs[0], xs[1], weight: weight, ignoreIndex: options.ignoreIndex ?? -100, reduction: reduction,
        labelSmoothing: options.labelSmoothing ?? 0)
    case "nll":
      return nllLoss(xs[0], xs[1], weight: weight, ignoreIndex: options.ignoreIndex ?? -100, reduction: reduction)
    case "kl_div":
      return klDiv(
        xs[0], xs[1], reduction: KLDivReduction(pytorchName: self.reduction)!, logTarget: options.logTarget ?? false)
    case "cosine_embedding": return cosineEmbeddingLoss(xs[0], xs[1], xs[2], margin: margin, reduction: reduction)
    case "margin_ranking": return marginRankingLoss(xs[0], xs[1], xs[2], margin: margin, reduction: reduction)
    default: fatalError("unknown loss \(name)")
    }
  }

  /// Fresh leaves from the stored inputs, the differentiable ones requiring a gradient.
  func leaves(dtype: DType? = nil) -> [Tensor] {
    zip(inputs, differentiable).map { input, differentiable in
      var x = input.tensor
      if let dtype, x.dtype.isFloatingPoint { x = x.to(dtype) }
      x.requiresGrad = differentiable
      return x
    }
  }
}

private struct LossFixture: Decodable { let cases: [LossCase] }

private let fixture = Result { try loadFixture("losses.json", as: LossFixture.self) }

/// Where Kindling's composite losses end in a differently named node than PyTorch's, because the
/// tensor layer names the same ops differently (a Python-number divisor and `clamp_min`).
private let equivalentNodeNames: [String: String] = [
  "DivBackward1": "DivBackward0", "ClampMinBackward0": "ClampBackward1",
]

@Suite("Losses against PyTorch")
struct LossFixtureTests {
  @Test("every loss, reduction and option gives PyTorch's value, gradients and grad_fn name")
  func matchesPyTorch() throws {
    let cases = try fixture.get().cases
    #expect(cases.count > 200)
    for c in cases {
      let xs = c.leaves()
      let out = c.loss(xs)
      expectMatches(out, c.output, Comment(rawValue: c.label))
      let expectedName = c.gradFn.map { equivalentNodeNames[$0] ?? $0 }
      #expect(out.gradFn?.name == expectedName, Comment(rawValue: c.label))
      let wanted = zip(xs, c.differentiable).filter(\.1).map(\.0)
      let grads = grad(outputs: [out], inputs: wanted, gradOutputs: [c.upstream.tensor], allowUnused: true)
      for (g, expected) in zip(grads, c.grads.compactMap { $0 }) {
        guard let g else {
          Issue.record("no gradient: \(c.label)")
          continue
        }
        expectMatches(g, expected, Comment(rawValue: "gradient of \(c.label)"))
      }
    }
  }

  @Test("every float64 loss passes gradcheck on the fixture's inputs")
  func gradchecks() throws {
    // Skipped: losses that are NaN (every target ignored), and KL's target where it is 0 (log 0).
    for c in try fixture.get().cases where c.dtype == .float64 && !c.output.values.contains(where: \.value.isNaN) {
      let xs = c.leaves()
      let differentiable = xs.indices.filter {
        c.differentiable[$0] && !(c.name == "kl_div" && c.options.logTarget != true && $0 == 1)
      }
      do {
        try gradcheck(
          { vs in
            var all = xs.map { $0.detach() }
            for (i, v) in zip(differentiable, vs) { all[i] = v }
            return c.loss(all)
          }, differentiable.map { xs[$0] })
      } catch {
        Issue.record("\(error): \(c.label)")
      }
    }
  }
}
