import KindlingTensor

extension Linalg {
  /// The matrix exponential `e^A = Σ Aᵏ/k!` of a (batch of) square matrix
  /// (`torch.linalg.matrix_exp`).
  ///
  /// `A` is `[..., n, n]` (float32 or float64); so is the result. Computed by scaling and squaring
  /// with Padé approximants (Higham 2005): the degree (3, 5, 7, 9 or 13) is the lowest whose
  /// bound covers the largest 1-norm in the batch, and with degree 13 each matrix is scaled by
  /// its own `2⁻ˢ` and squared back `s` times; the rational approximant is solved through
  /// ``solveEx(_:_:left:)``. Differentiable (`LinalgMatrixExpBackward0`, PyTorch's adjoint: the
  /// gradient is the upper-right block of `exp([[Aᵀ, G], [0, Aᵀ]])`), twice too.
  ///
  /// ```swift
  /// Linalg.matrixExp(Tensor([[0.0, 1.0], [0.0, 0.0]]))   // [[1, 1], [0, 1]]
  /// Linalg.matrixExp(Tensor([[1.0, 0.0], [0.0, 2.0]]))   // [[e, 0], [0, e²]]
  /// ```
  public static func matrixExp(_ a: Tensor) -> Tensor {
    let op = "linalg.matrix_exp"
    precondition(a.rank >= 2, "\(op): The input tensor A must have at least 2 dimensions.")
    let rows = a.shape[a.rank - 2]
    let n = a.shape[a.rank - 1]
    precondition(rows == n, "\(op): A must be batches of square matrices, but they are \(rows) by \(n) matrices")
    precondition(
      a.dtype == .float32 || a.dtype == .float64,
      "\(op): Expected a floating point or complex tensor as input. Got \(a.dtype.pytorchTitle)")
    let value = noGrad { a.count == 0 ? a.detach().clone() : padeExponential(a.detach()) }
    return record("LinalgMatrixExpBackward0", inputs: [a], outputs: [value]) { grads, node in
      let aT = node.savedInput(0).mT
      let top = Tensor.cat([aT, grads[0]], dim: -1)
      let bottom = Tensor.cat([Tensor.zerosLike(aT), aT], dim: -1)
      let block = matrixExp(Tensor.cat([top, bottom], dim: -2))
      return [block.narrow(dim: -2, start: 0, length: n).narrow(dim: -1, start: n, length: n)]
    }[0]
  }

  /// The Padé degrees of Higham's scaling and squaring, with the largest 1-norm each is accurate
  /// for in double precision, and the approximant's coefficients `b₀ … b_m`.
  private static let padeDegrees: [(theta: Double, b: [Double])] = [
    (1.495585217958292e-2, [120, 60, 12, 1]),
    (2.539398330063230e-1, [30240, 15120, 3360, 420, 30, 1]),
    (9.504178996162932e-1, [17_297_280, 8_648_640, 1_995_840, 277_200, 25200, 1512, 56, 1]),
    (
      2.097847961257068,
      [17_643_225_600, 8_821_612_800, 2_075_673_600, 302_702_400, 30_270_240, 2_162_160, 110_880, 3960, 90, 1]
    ),
    (
      5.371920351148152,
      [
        64_764_752_532_480_000, 32_382_376_266_240_000, 7_771_770_303_897_600, 1_187_353_796_428_800,
        129_060_195_264_000, 10_559_470_521_600, 670_442_572_800, 33_522_128_640, 1_323_241_920, 40_840_800,
        960_960, 16380, 182, 1,
      ]
    ),
  ]

  /// `e^A` for a non-empty batch, without recording.
  private static func padeExponential(_ a: Tensor) -> Tensor {
    let batch = batchShape(a)
    let norms = a.abs().sum(dim: -2).amax(dim: -1).to(.float64).reshape([-1]).scalars(as: Double.self)
    let largest = norms.reduce(0) { Swift.max($0, $1.isFinite ? $1 : 0) }
    if let low = padeDegrees.dropLast().first(where: { largest <= $0.theta }) {
      return padeApproximant(a, b: low.b)
    }
    let top = padeDegrees[padeDegrees.count - 1]
    // Each matrix's own scaling 2⁻ˢ brings its 1-norm under θ₁₃ (non-finite norms: no scaling).
    let steps = norms.map { norm -> Int in
      guard norm.isFinite, norm > top.theta else { return 0 }
      return Int((norm / top.theta).log2Ceiling)
    }
    let scales = steps.map { Double.pow2(-$0) }
    let scale = Tensor(scalars: scales, shape: batch + [1, 1]).to(a.dtype)
    var result = padeApproximant(a * scale, b: top.b)
    let mostSteps = steps.max() ?? 0
    let uniform = steps.allSatisfy { $0 == mostSteps }
    for step in 0..<mostSteps {
      let squared = result.matmul(result)
      if uniform {
        result = squared
      } else {
        let pending = Tensor(scalars: steps.map { $0 > step }, shape: batch + [1, 1])
        result = Tensor.where(pending, squared, result)
      }
    }
    return result
  }

  /// The `[m/m]` Padé approximant of `e^A` with coefficients `b`: `(V − U)⁻¹ (V + U)`, with `U`
  /// the odd and `V` the even part of the numerator.
  private static func padeApproximant(_ a: Tensor, b: [Double]) -> Tensor {
    let n = a.shape[a.rank - 1]
    let identity = Tensor.eye(n, dtype: a.dtype)
    let a2 = a.matmul(a)
    let u: Tensor
    let v: Tensor
    if b.count == 14 {
      // Degree 13 (Higham's evaluation with A², A⁴, A⁶ only).
      let a4 = a2.matmul(a2)
      let a6 = a4.matmul(a2)
      let uInner = a6.matmul(a6 * b[13] + a4 * b[11] + a2 * b[9]) + a6 * b[7] + a4 * b[5] + a2 * b[3] + identity * b[1]
      u = a.matmul(uInner)
      v = a6.matmul(a6 * b[12] + a4 * b[10] + a2 * b[8]) + a6 * b[6] + a4 * b[4] + a2 * b[2] + identity * b[0]
    } else {
      // Lower degrees: the even powers A^2k in turn.
      var power = identity.expand(a.shape)
      var odd = identity * b[1]
      var even = identity * b[0]
      for k in 1...((b.count - 1) / 2) {
        power = power.matmul(a2)
        even = even + power * b[2 * k]
        odd = odd + power * b[2 * k + 1]
      }
      u = a.matmul(odd)
      v = even
    }
    return solveEx(v - u, v + u).result
  }
}

extension Double {
  /// `⌈log₂ self⌉` for a positive finite value.
  fileprivate var log2Ceiling: Double {
    let e = Double(exponent)
    return significand == 1 ? e : e + 1
  }

  /// `2ᵉ`, exactly.
  fileprivate static func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
}
