import KindlingTensor

/// Why ``gradcheck(_:_:eps:atol:rtol:)`` failed: which input and element, and the two values.
public struct GradcheckFailure: Error, CustomStringConvertible {
  public let inputIndex: Int
  public let elementIndex: Int
  public let analytical: Double
  public let numerical: Double
  public let order: Int

  public var description: String {
    "Jacobian mismatch for output 0 with respect to input \(inputIndex) (order \(order)), element \(elementIndex): "
      + "numerical: \(numerical), analytical: \(analytical)"
  }
}

/// Checks the gradients of `function` at `inputs` against finite differences
/// (`torch.autograd.gradcheck`): for each input element, the central difference
/// `(f(x + eps) - f(x - eps)) / 2eps` of every output element must match the backward within
/// `atol + rtol * |numerical|`. Use float64 inputs; the output may be any shape.
///
/// ```swift
/// let x = Tensor.randn([3, 4], dtype: .float64, requiresGrad: true)
/// try gradcheck({ $0[0].exp().sum(dim: 1) }, [x])
/// ```
///
/// - Throws: ``GradcheckFailure`` naming the first element that disagrees.
public func gradcheck(
  _ function: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3
) throws(GradcheckFailure) {
  try checkJacobian(function, inputs, eps: eps, atol: atol, rtol: rtol, order: 1)
}

/// Checks second derivatives (`torch.autograd.gradgradcheck`): the gradients of the
/// gradients of `function`, taken with `createGraph`, against finite differences of the
/// gradients.
public func gradgradcheck(
  _ function: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3
) throws(GradcheckFailure) {
  // The function whose Jacobian is checked: the inputs' gradients of a fixed random weighting
  // of the outputs, flattened and joined.
  let probe = noGrad { function(inputs) }
  let weights = Tensor.randn(probe.shape, dtype: probe.dtype, generator: Generator(seed: 0))
  try checkJacobian(
    { xs in
      let out = function(xs)
      let grads = grad(outputs: [out], inputs: xs, gradOutputs: [weights], createGraph: true, allowUnused: true)
      let parts = zip(xs, grads).map { x, g in (g ?? Tensor.zerosLike(x)).reshape(-1) }
      return Tensor.cat(parts, dim: 0)
    }, inputs, eps: eps, atol: atol, rtol: rtol, order: 2)
}

private func checkJacobian(
  _ function: ([Tensor]) -> Tensor, _ inputs: [Tensor], eps: Double, atol: Double, rtol: Double, order: Int
) throws(GradcheckFailure) {
  for x in inputs where x.requiresGrad {
    precondition(
      x.dtype == .float64,
      "gradcheck: inputs requiring grad should be float64 (got \(x.dtype)); finite differences in lower precision "
        + "are too inaccurate to check against")
  }
  let output = function(inputs)
  let outputCount = output.count
  for (inputIndex, x) in inputs.enumerated() where x.requiresGrad {
    // Analytical: one backward per output element gives one row of the Jacobian.
    var analytical = [[Double]](repeating: [Double](repeating: 0, count: outputCount), count: x.count)
    for j in 0..<outputCount {
      let seed = Tensor.zeros(output.shape, dtype: output.dtype)
      seed.view(-1)[j] = 1
      let out = function(inputs)
      guard out.requiresGrad else { continue }
      let g = grad(outputs: [out], inputs: [x], gradOutputs: [seed], allowUnused: true)[0]
      if let g {
        for (i, v) in g.contiguous().scalars(as: Double.self).enumerated() { analytical[i][j] = v }
      }
    }
    // Numerical: central differences, one input element at a time.
    let flat = x.detach().view(-1)
    for i in 0..<x.count {
      let original = flat[i].item()
      flat[i] = Tensor(original + eps, dtype: .float64)
      let plus = noGrad { function(inputs) }.contiguous().scalars(as: Double.self)
      flat[i] = Tensor(original - eps, dtype: .float64)
      let minus = noGrad { function(inputs) }.contiguous().scalars(as: Double.self)
      flat[i] = Tensor(original, dtype: .float64)
      for j in 0..<outputCount {
        let numerical = (plus[j] - minus[j]) / (2 * eps)
        let a = analytical[i][j]
        if !(abs(a - numerical) <= atol + rtol * abs(numerical)) {
          throw GradcheckFailure(
            inputIndex: inputIndex, elementIndex: i, analytical: a, numerical: numerical, order: order)
        }
      }
    }
  }
}
