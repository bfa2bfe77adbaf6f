import KindlingTensor

// sum, mean, prod, max/min, amax/amin, std/var, norms, logsumexp, scans, softmax, and the
// value-selecting sort/topk/kthvalue. The formulas and their special cases (zeros in prod and
// cumprod, ties in max/min, a zero norm, a zero std) are PyTorch's (derivatives.yaml and
// FunctionsManual.cpp).

let reductionRules: [String: GradientRule] = [
  // MARK: Sum and mean

  "SumBackward0": { c in [c.grad.expand(c.node.inputShape(0))] },
  "SumBackward1": { c in [c.keptDims(c.grad).expand(c.node.inputShape(0))] },
  "MeanBackward0": { c in
    let shape = c.node.inputShape(0)
    return [(c.grad / Double(shape.reduce(1, *))).expand(shape)]
  },
  "MeanBackward1": { c in
    let shape = c.node.inputShape(0)
    return [(c.keptDims(c.grad) / Double(c.reducedCount)).expand(shape)]
  },

  // MARK: Product

  "ProdBackward0": { c in
    let x = c.input
    if x.rank == 0 { return [c.grad] }
    let zeros = (x .== 0).sum().item(as: Int64.self)
    if zeros == 0 { return [c.grad * (c.output / x)] }
    // Two zeros make every partial product zero; a second-order backward still needs the graph.
    if zeros > 1 && !GradMode.isEnabled { return [Tensor.zerosLike(x)] }
    return [productWithoutEach(x.reshape([-1]), along: 0, times: c.grad).reshape(x.shape)]
  },
  "ProdBackward1": { c in
    let x = c.input
    if x.rank == 0 { return [c.grad] }
    let dim: Int = c.attribute("dim")
    let keepDim: Bool = c.attribute("keepDim")
    let grad = keepDim ? c.grad : c.grad.unsqueeze(dim)
    if (x .== 0).any().item(as: Bool.self) {
      return [productWithoutEach(x, along: dim, times: grad)]
    }
    let result = keepDim ? c.output : c.output.unsqueeze(dim)
    return [grad * (result / x)]
  },

  // MARK: Maximum and minimum

  // Without a dim, ties share the gradient evenly (PyTorch's evenly_distribute_backward).
  "MaxBackward1": { c in [evenlyDistributed(c)] },
  "MinBackward1": { c in [evenlyDistributed(c)] },
  // With a dim, the gradient goes to the recorded index alone.
  "MaxBackward0": { c in [selectedBackward(c, keepDim: c.attribute("keepDim"))] },
  "MinBackward0": { c in [selectedBackward(c, keepDim: c.attribute("keepDim"))] },
  // amax/amin split the gradient evenly among the ties of each reduced slice.
  "AmaxBackward0": { c in [tiesShared(c)] },
  "AminBackward0": { c in [tiesShared(c)] },

  // MARK: Variance, standard deviation, norm, log-sum-exp

  "VarBackward0": { c in [varianceBackward(c, c.grad)] },
  "StdBackward0": { c in
    let result = c.output
    // d std = d var / (2 std); a zero std passes zero rather than infinity.
    return [varianceBackward(c, (c.grad / (result * 2)).maskedFill(result .== 0, 0))]
  },
  "LinalgVectorNormBackward0": { c in [normBackward(c)] },
  "LogsumexpBackward0": { c in
    let x = c.input
    return [c.keptDims(c.grad) * (x - c.keptDims(c.output)).exp()]
  },

  // MARK: Scans

  "CumsumBackward0": { c in
    let dim: Int = c.attribute("dim")
    let grad = c.grad.dtype == c.node.inputDType(0) ? c.grad : c.grad.to(c.node.inputDType(0))
    if grad.count <= 1 || grad.shape[dim] == 1 { return [grad] }
    return [reversedCumsum(grad, dim)]
  },
  "CumprodBackward0": { c in [cumprodBackward(c)] },

  // MARK: Softmax

  "SoftmaxBackward0": { c in
    let dim: Int = c.attribute("dim")
    let y = c.output
    return [(c.grad - (c.grad * y).sum(dim: dim, keepDim: true)) * y]
  },
  "LogSoftmaxBackward0": { c in
    let dim: Int = c.attribute("dim")
    return [c.grad - c.output.exp() * c.grad.sum(dim: dim, keepDim: true)]
  },

  // MARK: Sorting and selection: the gradient goes back to the positions the values came from

  "SortBackward0": { c in [selectedBackward(c, keepDim: true)] },
  "TopkBackward0": { c in [selectedBackward(c, keepDim: true)] },
  "KthvalueBackward0": { c in [selectedBackward(c, keepDim: c.attribute("keepDim"))] },
]

// MARK: - Reduced dimensions

extension GradientContext {
  /// The recorded reduced dims (`"dims"`, or the single `"dim"`).
  fileprivate var reducedDims: [Int] {
    if let dims = optionalAttribute("dims", as: [Int].self) { return dims }
    return [attribute("dim", as: Int.self)]
  }

  /// How many input elements each output element reduces.
  fileprivate var reducedCount: Int { reducedDims.reduce(1) { $0 * node.inputShape(0)[$1] } }

  /// `t`, shaped like the reduction's output, with the reduced dims back as size 1 so that it
  /// broadcasts against the input (PyTorch's unsqueeze_multiple when `keepDim` was false).
  fileprivate func keptDims(_ t: Tensor) -> Tensor {
    if optionalAttribute("keepDim", as: Bool.self) == true { return t }
    var shape = node.inputShape(0)
    for d in reducedDims { shape[d] = 1 }
    return t.shape == shape ? t : t.reshape(shape)
  }
}

// MARK: - Shared formulas

/// `grad` times the product of every element of its slice along `dim` but itself, computed
/// without dividing, so zeros are safe (PyTorch's prod_safe_zeros_backward): the exclusive
/// products from the front times those from the back.
private func productWithoutEach(_ x: Tensor, along dim: Int, times grad: Tensor) -> Tensor {
  let n = x.shape[dim]
  if x.count == 0 { return grad.expand(x.shape) }
  var onesShape = x.shape
  onesShape[dim] = 1
  let ones = Tensor.ones(onesShape, dtype: grad.dtype, device: grad.device)
  let front = Tensor.cat([ones, x.narrow(dim: dim, start: 0, length: n - 1)], dim: dim).cumprod(dim: dim)
  let back = Tensor.cat([ones, x.narrow(dim: dim, start: 1, length: n - 1).flip([dim])], dim: dim)
    .cumprod(dim: dim).flip([dim])
  return grad * (front * back)
}

/// max()/min() over everything: the gradient split evenly among the elements equal to the
/// result (among the NaNs when the result is NaN).
private func evenlyDistributed(_ c: GradientContext) -> Tensor {
  let x = c.input, value = c.output
  let mask = value.isnan().item(as: Bool.self) ? x.isnan() : x .== value
  return Tensor.where(mask, c.grad / mask.sum(), 0.0)
}

/// amax/amin: each reduced slice's gradient split evenly among the elements equal to its result.
private func tiesShared(_ c: GradientContext) -> Tensor {
  let mask = c.keptDims(c.output) .== c.input
  return c.keptDims(c.grad) / mask.sum(dims: c.reducedDims, keepDim: true) * mask
}

/// The gradient of values picked from the input along `"dim"` at `"indices"` (max/min with a
/// dim, sort, topk, kthvalue): scattered back to the positions they came from, zero elsewhere.
private func selectedBackward(_ c: GradientContext, keepDim: Bool) -> Tensor {
  let shape = c.node.inputShape(0)
  if shape.isEmpty {
    return c.grad.count == 1 ? c.grad.reshape([]) : Tensor.zeros([], dtype: c.grad.dtype, device: c.grad.device)
  }
  let dim: Int = c.attribute("dim")
  let indices: Tensor = c.attribute("indices")
  let grad = keepDim ? c.grad : c.grad.unsqueeze(dim)
  return Tensor.zeros(shape, dtype: grad.dtype, device: grad.device)
    .scatter(dim: dim, index: keepDim ? indices : indices.unsqueeze(dim), src: grad)
}

/// var's gradient `2 (x - mean) / (n - correction)`, for `grad` of var's output shape. Over
/// every dim with no degrees of freedom left, PyTorch gives NaN where x equals the mean and
/// infinity elsewhere.
private func varianceBackward(_ c: GradientContext, _ grad: Tensor) -> Tensor {
  let x = c.input
  let correction: Int = c.attribute("correction")
  let dims = c.reducedDims
  let dof = Double(c.reducedCount - correction)
  if dims.count == x.rank && dof <= 0 {
    return grad * Tensor.fullLike(x, .infinity).maskedFill(x .== x.mean(), .nan)
  }
  // Typed, so that `2 / dof` cannot become a float32 tensor literal.
  let scale: Double = 2 / dof
  return scale * c.keptDims(grad) * (x - x.mean(dims: dims, keepDim: true))
}

/// The vector p-norm's gradient (PyTorch's norm_backward), zero where the norm is zero.
private func normBackward(_ c: GradientContext) -> Tensor {
  let p: Double = c.attribute("p")
  let x = c.input
  if p == 0 { return Tensor.zerosLike(x) }
  let grad = c.keptDims(c.grad), norm = c.keptDims(c.output)
  if p == 1 { return x.sign() * grad }
  if p == 2 { return grad * (x / norm).maskedFill(norm .== 0, 0) }
  if p.isInfinite {
    // The gradient of amax(|x|), shared among the ties, and passed to NaNs.
    let magnitude = x.abs()
    let mask = (magnitude .== norm).logicalOr(magnitude.isnan())
    return x.sign() * (grad / mask.sum(dims: c.reducedDims, keepDim: true) * mask)
  }
  // Exponents typed as Double, so that no literal turns into a float32 tensor.
  let pMinusOne: Double = p - 1, pMinusTwo: Double = p - 2, oneMinusP: Double = 1 - p
  if p < 1 {
    let scaled = x.sign() * x.abs().pow(pMinusOne).maskedFill(x .== 0, 0)
    return scaled * grad * norm.pow(oneMinusP)
  }
  let scaled = p < 2 ? x.sign() * x.abs().pow(pMinusOne) : x * x.abs().pow(pMinusTwo)
  return scaled * (grad / norm.pow(pMinusOne)).maskedFill(norm .== 0, 0)
}

/// `w` summed from each position to the end along `dim`.
private func reversedCumsum(_ w: Tensor, _ dim: Int) -> Tensor { w.flip([dim]).cumsum(dim: dim).flip([dim]) }

/// cumprod's gradient (PyTorch's cumprod_backward): `Σ_{j≥k} grad_j y_j / x_k` without zeros;
/// with zeros, an O(n) masked form, or while recording a second-order graph, the products
/// that omit each element.
private func cumprodBackward(_ c: GradientContext) -> Tensor {
  let dim: Int = c.attribute("dim")
  let x = c.input, y = c.output
  let grad = c.grad.dtype == x.dtype ? c.grad : c.grad.to(x.dtype)
  if x.count <= 1 || x.shape[dim] == 1 { return grad }
  let w = y * grad
  let isZero = x .== 0
  if !isZero.any().item(as: Bool.self) { return reversedCumsum(w, dim) / x }
  if GradMode.isEnabled { return cumprodOmittingEach(x, grad, dim) }
  // Before the first zero z1 the no-zero formula holds, summed only up to z1 (later outputs
  // are zero). At z1, the gradient is prod(x[..<z1]) · Σ_{z1≤j<z2} grad_j prod(x[z1+1...j]).
  // After z1 every product through x_k also holds the zero at z1: zero.
  let zerosSoFar = isZero.cumsum(dim: dim)
  let before = zerosSoFar .== 0
  let firstRun = zerosSoFar .== 1
  let atFirstZero = isZero.logicalAnd(firstRun)
  let beforeGrad = reversedCumsum(w.maskedFill(before.logicalNot(), 0), dim) / x
  let prefix = x.maskedFill(before.logicalNot(), 1).cumprod(dim: dim)
  let afterFirst = firstRun.logicalAnd(isZero.logicalNot())
  let run = (x.maskedFill(afterFirst.logicalNot(), 1).cumprod(dim: dim) * grad.maskedFill(firstRun.logicalNot(), 0))
    .sum(dim: dim, keepDim: true)
  return Tensor.where(before, beforeGrad, Tensor.where(atFirstZero, run * prefix, 0.0))
}

/// cumprod's gradient as a sum over the products that omit each element, differentiable again
/// (PyTorch's path when grad mode is on and the input has zeros).
private func cumprodOmittingEach(_ x: Tensor, _ grad: Tensor, _ dim: Int) -> Tensor {
  let n = x.shape[dim]
  var onesShape = x.shape
  onesShape[dim] = 1
  let ones = Tensor.ones(onesShape, dtype: grad.dtype, device: grad.device)
  var slices: [Tensor] = []
  for k in 0..<n {
    let omitted: Tensor
    if k == 0 {
      omitted = Tensor.cat([ones, x.narrow(dim: dim, start: 1, length: n - 1).cumprod(dim: dim)], dim: dim)
    } else {
      let untilK = x.narrow(dim: dim, start: 0, length: k).prod(dim: dim, keepDim: true)
      if k == n - 1 {
        omitted = untilK
      } else {
        let fromNext = x.narrow(dim: dim, start: k + 1, length: n - k - 1).cumprod(dim: dim)
        omitted = Tensor.cat([untilK, untilK * fromNext], dim: dim)
      }
    }
    slices.append((grad.narrow(dim: dim, start: k, length: n - k) * omitted).sum(dim: dim))
  }
  return Tensor.stack(slices, dim: dim)
}
