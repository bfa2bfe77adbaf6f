import Dispatch
import Foundation

// Raw loops behind batch, layer and group normalization, over contiguous float32/float64
// memory. Statistics accumulate in Double (PyTorch's CPU `acc_type`); the per-element work runs
// in the element type. Work is split over channels (batch norm) or rows (layer/group norm)
// across cores once a call has enough elements.

/// Runs `body` over `0..<count` in contiguous chunks, in parallel when `work` (elements touched)
/// is large enough to pay for the threads.
func parallelChunks(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
  Parallel.ranges(count, threads: Swift.min(Parallel.coreCount, Swift.max(1, work / 32768)), body)
}

/// The first element of a contiguous CPU tensor.
@inline(__always)
func elements<T>(_ tensor: Tensor, as _: T.Type) -> UnsafeMutablePointer<T> {
  tensor.storage.pointer(as: T.self) + tensor.storageOffset
}

/// `Σ p[j]` over `0..<count` in Double, four independent sums so the adds overlap.
@inline(__always)
func sumInDouble<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ count: Int) -> Double {
  var (a, b, c, d) = (0.0, 0.0, 0.0, 0.0)
  var j = 0
  while j + 4 <= count {
    a += Double(p[j])
    b += Double(p[j + 1])
    c += Double(p[j + 2])
    d += Double(p[j + 3])
    j += 4
  }
  while j < count {
    a += Double(p[j])
    j += 1
  }
  return (a + b) + (c + d)
}

/// `Σ (p[j] − center)²` in Double, four independent sums.
@inline(__always)
func squaredDeviationsInDouble<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ count: Int, center: Double) -> Double {
  var (a, b, c, d) = (0.0, 0.0, 0.0, 0.0)
  var j = 0
  while j + 4 <= count {
    let (x0, x1) = (Double(p[j]) - center, Double(p[j + 1]) - center)
    let (x2, x3) = (Double(p[j + 2]) - center, Double(p[j + 3]) - center)
    a += x0 * x0
    b += x1 * x1
    c += x2 * x2
    d += x3 * x3
    j += 4
  }
  while j < count {
    let x = Double(p[j]) - center
    a += x * x
    j += 1
  }
  return (a + b) + (c + d)
}

/// `(Σ g[j], Σ g[j] · (x[j] − center))` in Double, two independent sums of each.
@inline(__always)
func gradientDotsInDouble<T: BinaryFloatingPoint>(
  _ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ count: Int, center: Double
) -> (Double, Double) {
  var (s0, s1, d0, d1) = (0.0, 0.0, 0.0, 0.0)
  var j = 0
  while j + 2 <= count {
    let (g0, g1) = (Double(g[j]), Double(g[j + 1]))
    s0 += g0
    s1 += g1
    d0 += g0 * (Double(x[j]) - center)
    d1 += g1 * (Double(x[j + 1]) - center)
    j += 2
  }
  if j < count {
    s0 += Double(g[j])
    d0 += Double(g[j]) * (Double(x[j]) - center)
  }
  return (s0 + s1, d0 + d1)
}

/// Per-channel normalization of `[N, C, S]` memory (batch norm).
enum ChannelNormKernel {
  /// Mean and biased variance of each channel: one pass for the mean, one for the squared
  /// deviations.
  static func statistics<T: BinaryFloatingPoint>(
    _ x: UnsafePointer<T>, n: Int, c: Int, s: Int
  ) -> (mean: [Double], variance: [Double]) {
    var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
    let count = Double(n * s)
    mean.withUnsafeMutableBufferPointer { meanOut in
      variance.withUnsafeMutableBufferPointer { varOut in
        parallelChunks(c, work: n * c * s) { channels in
          for ch in channels {
            var sum = 0.0
            for i in 0..<n { sum += sumInDouble(x + (i * c + ch) * s, s) }
            let m = sum / count
            var squares = 0.0
            for i in 0..<n { squares += squaredDeviationsInDouble(x + (i * c + ch) * s, s, center: m) }
            meanOut[ch] = m
            varOut[ch] = squares / count
          }
        }
      }
    }
    return (mean, variance)
  }

  /// `y = x · scale[c] + shift[c]`.
  static func affine<T: BinaryFloatingPoint>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, scale: [Double], shift: [Double], n: Int, c: Int, s: Int
  ) {
    parallelChunks(n * c, work: n * c * s) { rows in
      for r in rows {
        let a = T(scale[r % c]), b = T(shift[r % c])
        let src = x + r * s, dst = y + r * s
        for j in 0..<s { dst[j] = src[j] * a + b }
      }
    }
  }

  /// Per channel `Σ g` and `Σ g · (x − mean)`.
  static func gradientSums<T: BinaryFloatingPoint>(
    grad g: UnsafePointer<T>, _ x: UnsafePointer<T>, mean: [Double], n: Int, c: Int, s: Int
  ) -> (sumGrad: [Double], sumGradCentered: [Double]) {
    var sumGrad = [Double](repeating: 0, count: c), sumDot = [Double](repeating: 0, count: c)
    sumGrad.withUnsafeMutableBufferPointer { sumGradOut in
      sumDot.withUnsafeMutableBufferPointer { sumDotOut in
        parallelChunks(c, work: 2 * n * c * s) { channels in
          for ch in channels {
            var sg = 0.0, sd = 0.0
            for i in 0..<n {
              let offset = (i * c + ch) * s
              let (rowGrad, rowDot) = gradientDotsInDouble(g + offset, x + offset, s, center: mean[ch])
              sg += rowGrad
              sd += rowDot
            }
            sumGradOut[ch] = sg
            sumDotOut[ch] = sd
          }
        }
      }
    }
    return (sumGrad, sumDot)
  }

  /// The training-mode input gradient
  /// `dx = k · (g − Σg / M − (x − mean) · invstd² · Σ g(x − mean) / M)` with `k = γ · invstd`.
  static func inputGradient<T: BinaryFloatingPoint>(
    grad g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
    mean: [Double], invstd: [Double], gamma: [Double], sumGrad: [Double], sumGradCentered: [Double],
    n: Int, c: Int, s: Int
  ) {
    let count = Double(n * s)
    parallelChunks(n * c, work: n * c * s) { rows in
      for r in rows {
        let ch = r % c
        let k = gamma[ch] * invstd[ch]
        let m = T(mean[ch]), gradMean = T(sumGrad[ch] / count)
        let projection = T(invstd[ch] * invstd[ch] * sumGradCentered[ch] / count), scale = T(k)
        let offset = r * s
        for j in 0..<s {
          dx[offset + j] = (g[offset + j] - gradMean - (x[offset + j] - m) * projection) * scale
        }
      }
    }
  }
}

/// Normalization of each row of `[R, M]` memory over its `M` elements (layer and group norm).
enum RowNormKernel {
  /// Writes `x̂ = (x − mean) · rstd` row by row and returns each row's mean and
  /// `rstd = 1 / √(biased variance + eps)`. With `affine`, also writes
  /// `y = x̂ · weight[j] + bias[j]` in the same pass (layer norm: one weight per column).
  static func normalize<T: BinaryFloatingPoint>(
    _ x: UnsafePointer<T>, _ xHat: UnsafeMutablePointer<T>, rows: Int, m: Int, eps: Double,
    affine: (weight: UnsafePointer<T>?, bias: UnsafePointer<T>?, output: UnsafeMutablePointer<T>)? = nil
  ) -> (mean: [Double], rstd: [Double]) {
    var mean = [Double](repeating: 0, count: rows), rstd = [Double](repeating: 0, count: rows)
    mean.withUnsafeMutableBufferPointer { meanOut in
      rstd.withUnsafeMutableBufferPointer { rstdOut in
        parallelChunks(rows, work: rows * m) { range in
          for r in range {
            let src = x + r * m, dst = xHat + r * m
            let mu = m > 0 ? sumInDouble(src, m) / Double(m) : 0
            let squares = squaredDeviationsInDouble(src, m, center: mu)
            let inv = 1 / (squares / Double(Swift.max(m, 1)) + eps).squareRoot()
            let tm = T(mu), ti = T(inv)
            for j in 0..<m { dst[j] = (src[j] - tm) * ti }
            if let affine {
              let y = affine.output + r * m
              switch (affine.weight, affine.bias) {
              case let (w?, b?): for j in 0..<m { y[j] = dst[j] * w[j] + b[j] }
              case let (w?, nil): for j in 0..<m { y[j] = dst[j] * w[j] }
              case let (nil, b?): for j in 0..<m { y[j] = dst[j] + b[j] }
              case (nil, nil): for j in 0..<m { y[j] = dst[j] }
              }
            }
            meanOut[r] = mu
            rstdOut[r] = inv
          }
        }
      }
    }
    return (mean, rstd)
  }

  /// The input gradient of `x̂` for the upstream gradient times the affine weight,
  /// `ĝ = g · columnWeight[j]` (or `g` itself without one):
  /// `dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))` per row.
  static func inputGradient<T: BinaryFloatingPoint>(
    grad g: UnsafePointer<T>, xHat: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, columnWeight: UnsafePointer<T>?,
    rstd: [Double], rows: Int, m: Int
  ) {
    parallelChunks(rows, work: 2 * rows * m) { range in
      let scratch = UnsafeMutablePointer<T>.allocate(capacity: columnWeight == nil ? 0 : m)
      defer { scratch.deallocate() }
      for r in range {
        let xr = xHat + r * m, out = dx + r * m
        var gr = g + r * m
        if let columnWeight {
          for j in 0..<m { scratch[j] = gr[j] * columnWeight[j] }
          gr = UnsafePointer(scratch)
        }
        let (sumGrad, sumDot) = gradientDotsInDouble(gr, xr, m, center: 0)
        let gradMean = T(sumGrad / Double(m)), dotMean = T(sumDot / Double(m)), scale = T(rstd[r])
        for j in 0..<m { out[j] = (gr[j] - gradMean - xr[j] * dotMean) * scale }
      }
    }
  }

  /// The layer-norm weight and bias gradients, `Σ_rows g · x̂` and `Σ_rows g` per column, from
  /// per-thread partial sums.
  static func columnSums<T: BinaryFloatingPoint>(
    grad g: UnsafePointer<T>, xHat: UnsafePointer<T>, rows: Int, m: Int
  ) -> (weight: [Double], bias: [Double]) {
    var weight = [Double](repeating: 0, count: m), bias = [Double](repeating: 0, count: m)
    let lock = NSLock()
    parallelChunks(rows, work: 2 * rows * m) { range in
      var dot = [Double](repeating: 0, count: m), sum = [Double](repeating: 0, count: m)
      dot.withUnsafeMutableBufferPointer { dot in
        sum.withUnsafeMutableBufferPointer { sum in
          for r in range {
            let gr = g + r * m, xr = xHat + r * m
            for j in 0..<m {
              let gj = Double(gr[j])
              dot[j] += gj * Double(xr[j])
              sum[j] += gj
            }
          }
        }
      }
      lock.withLock {
        for j in 0..<m {
          weight[j] += dot[j]
          bias[j] += sum[j]
        }
      }
    }
    return (weight, bias)
  }
}

// MARK: Tensor entry points (float32 / float64, contiguous, CPU)

extension ChannelNormKernel {
  static func statistics(_ x: Tensor, n: Int, c: Int, s: Int) -> (mean: [Double], variance: [Double]) {
    switch x.dtype {
    case .float32: statistics(elements(x, as: Float.self), n: n, c: c, s: s)
    default: statistics(elements(x, as: Double.self), n: n, c: c, s: s)
    }
  }

  static func affine(_ x: Tensor, scale: [Double], shift: [Double], n: Int, c: Int, s: Int) -> Tensor {
    let y = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    switch x.dtype {
    case .float32:
      affine(elements(x, as: Float.self), elements(y, as: Float.self), scale: scale, shift: shift, n: n, c: c, s: s)
    default:
      affine(elements(x, as: Double.self), elements(y, as: Double.self), scale: scale, shift: shift, n: n, c: c, s: s)
    }
    return y
  }

  static func gradientSums(grad: Tensor, _ x: Tensor, mean: [Double], n: Int, c: Int, s: Int) -> ([Double], [Double]) {
    switch x.dtype {
    case .float32:
      gradientSums(grad: elements(grad, as: Float.self), elements(x, as: Float.self), mean: mean, n: n, c: c, s: s)
    default:
      gradientSums(grad: elements(grad, as: Double.self), elements(x, as: Double.self), mean: mean, n: n, c: c, s: s)
    }
  }

  static func inputGradient(
    grad: Tensor, _ x: Tensor, mean: [Double], invstd: [Double], gamma: [Double], sums: ([Double], [Double]),
    n: Int, c: Int, s: Int
  ) -> Tensor {
    let dx = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    switch x.dtype {
    case .float32:
      inputGradient(
        grad: elements(grad, as: Float.self), elements(x, as: Float.self), elements(dx, as: Float.self), mean: mean,
        invstd: invstd, gamma: gamma, sumGrad: sums.0, sumGradCentered: sums.1, n: n, c: c, s: s)
    default:
      inputGradient(
        grad: elements(grad, as: Double.self), elements(x, as: Double.self), elements(dx, as: Double.self), mean: mean,
        invstd: invstd, gamma: gamma, sumGrad: sums.0, sumGradCentered: sums.1, n: n, c: c, s: s)
    }
    return dx
  }
}

extension RowNormKernel {
  /// `x̂` of a contiguous `[rows, m]`-shaped tensor (any shape with that element count).
  static func normalize(_ x: Tensor, rows: Int, m: Int, eps: Double) -> (xHat: Tensor, mean: [Double], rstd: [Double]) {
    let xHat = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    let stats =
      switch x.dtype {
      case .float32: normalize(elements(x, as: Float.self), elements(xHat, as: Float.self), rows: rows, m: m, eps: eps)
      default: normalize(elements(x, as: Double.self), elements(xHat, as: Double.self), rows: rows, m: m, eps: eps)
      }
    return (xHat, stats.mean, stats.rstd)
  }

  /// `x̂` and `y = x̂ · weight + bias` in one pass, the affine tensors contiguous with `m`
  /// elements of `x`'s dtype (layer norm).
  static func normalizeWithColumnAffine(
    _ x: Tensor, weight: Tensor?, bias: Tensor?, rows: Int, m: Int, eps: Double
  ) -> (xHat: Tensor, output: Tensor, rstd: [Double]) {
    let xHat = Tensor(uninitializedShape: x.shape, dtype: x.dtype),
      y = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    let stats =
      switch x.dtype {
      case .float32:
        normalize(
          elements(x, as: Float.self), elements(xHat, as: Float.self), rows: rows, m: m, eps: eps,
          affine: (
            weight.map { UnsafePointer(elements($0, as: Float.self)) },
            bias.map { UnsafePointer(elements($0, as: Float.self)) }, elements(y, as: Float.self)
          ))
      default:
        normalize(
          elements(x, as: Double.self), elements(xHat, as: Double.self), rows: rows, m: m, eps: eps,
          affine: (
            weight.map { UnsafePointer(elements($0, as: Double.self)) },
            bias.map { UnsafePointer(elements($0, as: Double.self)) }, elements(y, as: Double.self)
          ))
      }
    return (xHat, y, stats.rstd)
  }

  /// `columnWeight`, when given, is a contiguous tensor of `m` elements of `xHat`'s dtype.
  static func inputGradient(grad: Tensor, xHat: Tensor, columnWeight: Tensor?, rstd: [Double], rows: Int, m: Int)
    -> Tensor
  {
    let dx = Tensor(uninitializedShape: xHat.shape, dtype: xHat.dtype)
    switch xHat.dtype {
    case .float32:
      inputGradient(
        grad: elements(grad, as: Float.self), xHat: elements(xHat, as: Float.self), elements(dx, as: Float.self),
        columnWeight: columnWeight.map { UnsafePointer(elements($0, as: Float.self)) }, rstd: rstd, rows: rows, m: m)
    default:
      inputGradient(
        grad: elements(grad, as: Double.self), xHat: elements(xHat, as: Double.self), elements(dx, as: Double.self),
        columnWeight: columnWeight.map { UnsafePointer(elements($0, as: Double.self)) }, rstd: rstd, rows: rows, m: m)
    }
    return dx
  }

  static func columnSums(grad: Tensor, xHat: Tensor, rows: Int, m: Int) -> (weight: [Double], bias: [Double]) {
    switch xHat.dtype {
    case .float32:
      columnSums(grad: elements(grad, as: Float.self), xHat: elements(xHat, as: Float.self), rows: rows, m: m)
    default: columnSums(grad: elements(grad, as: Double.self), xHat: elements(xHat, as: Double.self), rows: rows, m: m)
    }
  }
}

/// Checks what the normalization kernels handle: float32 or float64 on the CPU.
func checkNormKernelInput(_ input: Tensor, op: String) {
  precondition(
    input.dtype == .float32 || input.dtype == .float64,
    "\(op): expected a float32 or float64 input, but got \(input.dtype); convert it with .to(.float32)")
  precondition(input.device == .cpu, "\(op): the fused kernel runs on the CPU, but the input is on \(input.device)")
}
