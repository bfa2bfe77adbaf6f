/// A convolution in im2col form, shared by convolution and transposed convolution.
///
/// The *image side* is the tensor the window slides over (a convolution's input, a transposed
/// convolution's output): `[batch, groups·geometry.channels, height, width]`. The *column side*
/// is the other one (a convolution's output, a transposed convolution's input):
/// `[batch, groups·columnChannels, outH, outW]`. The weight is `[groups·columnChannels,
/// geometry.channels, kernelH, kernelW]` in both cases (PyTorch's layouts: `[out, in/groups, kH,
/// kW]` for a convolution, `[in, out/groups, kH, kW]` for a transposed one), so group `g`'s
/// weight is the row-major matrix `W[g]` of `[columnChannels, geometry.columnRows]`.
///
/// Three kernels cover the forward and backward of both ops:
/// - ``columnsFromImage``: `column[n, g] = W[g] · im2col(image[n, g])` (convolution forward,
///   transposed convolution's input gradient);
/// - ``imageFromColumns``: `image[n, g] = col2im(W[g]ᵀ · column[n, g])` (convolution's input
///   gradient, transposed convolution forward);
/// - ``weightGradient``: `W[g] = Σₙ column[n, g] · im2col(image[n, g])ᵀ` (both weight gradients,
///   with the roles of input and output gradient swapped for the transposed one).
///
/// Samples go in chunks (``chunk``): the column matrices of a chunk's samples sit side by side,
/// `[columnRows, chunk·columnCount]`, so each group does one large GEMM per chunk instead of one
/// per sample; the column side is gathered to (or scattered from) the matching
/// `[columnChannels, chunk·columnCount]` layout by plain copies. GEMMs split across
/// `BLAS.threadCount` threads (``BLASFloat``); im2col, col2im and the copies split their work
/// across cores. A 1×1 stride-1
/// unpadded window skips im2col and goes sample by sample on the tensors themselves.
struct ConvProblem: Sendable {
  let batch: Int
  let groups: Int
  let columnChannels: Int
  let geometry: Im2ColGeometry

  var imageSample: Int { groups * geometry.imageSize }
  var columnSample: Int { groups * columnChannels * geometry.columnCount }
  var weightGroup: Int { columnChannels * geometry.columnRows }

  /// Work below this many elements stays on one thread.
  private static let parallelGrain = 32_768

  /// The most elements a chunk's column matrix may take.
  private static let scratchLimit = 1 << 22

  private func threads(forWork work: Int) -> Int { min(kernelCoreCount, max(1, work / Self.parallelGrain)) }

  /// Samples per GEMM: 1 when im2col is the identity, else as many as fit ``scratchLimit``.
  var chunk: Int {
    if geometry.isIdentity { return 1 }
    return max(1, min(batch, Self.scratchLimit / max(1, geometry.columnRows * geometry.columnCount)))
  }

  /// A contiguous scratch buffer of `count` elements from the caching allocator.
  private func scratch(_ count: Int, dtype: DType) -> Tensor { Tensor(uninitializedShape: [count], dtype: dtype) }

  /// Fills `columns` (row stride `samples·columnCount`) with the column matrices of `samples`
  /// images side by side, the first at `image`, the next `imageSample` further.
  private func im2col<T: KernelFloat>(_ image: UnsafePointer<T>, samples: Int, into columns: UnsafeMutablePointer<T>) {
    let g = geometry, rows = g.columnRows, count = g.columnCount, stride = samples * count, step = imageSample
    let shared = UncheckedSendable(value: (image, columns))
    parallelRanges(samples * rows, threads: threads(forWork: samples * rows * count)) { units in
      let (image, columns) = shared.value
      var u = units.lowerBound
      while u < units.upperBound {
        let s = u / rows, r0 = u % rows, r1 = min(rows, r0 + units.upperBound - u)
        g.im2col(image + s * step, columns + s * count, rows: r0..<r1, rowStride: stride)
        u += r1 - r0
      }
    }
  }

  /// Copies `channels` planes of `columnCount` elements between the column side of `samples`
  /// samples (`side`, one every `columnSample`) and the side-by-side layout `[channels,
  /// samples·columnCount]` (`packed`): gathers into `packed`, or (`scatter`) writes back into
  /// `side`.
  private func copyColumns<T: KernelFloat>(
    side: UnsafeMutablePointer<T>, packed: UnsafeMutablePointer<T>, samples: Int, scatter: Bool
  ) {
    let count = geometry.columnCount, channels = columnChannels, step = columnSample
    let shared = UncheckedSendable(value: (side, packed))
    parallelRanges(samples * channels, threads: threads(forWork: samples * channels * count)) { units in
      let (side, packed) = shared.value
      for u in units {
        let s = u / channels, c = u % channels
        let a = side + s * step + c * count, b = packed + (c * samples + s) * count
        if scatter { a.update(from: b, count: count) } else { b.update(from: a, count: count) }
      }
    }
  }

  /// `column = W · im2col(image)` for every sample and group, then `column[n, c] += bias[c]`.
  func columnsFromImage<T: KernelFloat>(
    image: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?, into column: UnsafeMutablePointer<T>,
    dtype: DType
  ) {
    let g = geometry, chunk = chunk, count = g.columnCount
    let colBuffer = g.isIdentity ? nil : scratch(g.columnRows * chunk * count, dtype: dtype)
    let productBuffer = chunk > 1 ? scratch(columnChannels * chunk * count, dtype: dtype) : nil
    let cols = colBuffer?.elements(as: T.self), product = productBuffer?.elements(as: T.self)
    for n0 in stride(from: 0, to: batch, by: chunk) {
      let samples = min(chunk, batch - n0), ld = samples * count
      for group in 0..<groups {
        let imageStart = image + n0 * imageSample + group * g.imageSize
        let side = column + n0 * columnSample + group * columnChannels * count
        var source = imageStart
        if let cols {
          im2col(imageStart, samples: samples, into: cols)
          source = UnsafePointer(cols)
        }
        T.gemm(
          transposeA: false, transposeB: false, m: columnChannels, n: ld, k: g.columnRows,
          a: weight + group * weightGroup, lda: g.columnRows, b: source, ldb: ld, beta: 0,
          c: samples > 1 ? product! : side, ldc: ld)
        if samples > 1 { copyColumns(side: side, packed: product!, samples: samples, scatter: true) }
      }
      if let bias {
        for n in n0..<(n0 + samples) {
          addBias(bias, to: column + n * columnSample, channels: groups * columnChannels, planeSize: count)
        }
      }
    }
  }

  /// `image = col2im(Wᵀ · column)` for every sample and group (the image is overwritten), then
  /// `image[n, c] += bias[c]`.
  func imageFromColumns<T: KernelFloat>(
    column: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?, into image: UnsafeMutablePointer<T>,
    dtype: DType
  ) {
    let g = geometry, chunk = chunk, count = g.columnCount, planes = g.height * g.width
    let colBuffer = g.isIdentity ? nil : scratch(g.columnRows * chunk * count, dtype: dtype)
    let packedBuffer = chunk > 1 ? scratch(columnChannels * chunk * count, dtype: dtype) : nil
    let cols = colBuffer?.elements(as: T.self), packed = packedBuffer?.elements(as: T.self)
    for n0 in stride(from: 0, to: batch, by: chunk) {
      let samples = min(chunk, batch - n0), ld = samples * count
      for group in 0..<groups {
        let target = image + n0 * imageSample + group * g.imageSize
        let side = UnsafeMutablePointer(mutating: column + n0 * columnSample + group * columnChannels * count)
        if samples > 1 { copyColumns(side: side, packed: packed!, samples: samples, scatter: false) }
        // With no im2col (one sample at a time), the GEMM writes the image directly.
        T.gemm(
          transposeA: true, transposeB: false, m: g.columnRows, n: ld, k: columnChannels,
          a: weight + group * weightGroup, lda: g.columnRows, b: samples > 1 ? packed! : side, ldb: ld, beta: 0,
          c: cols ?? target, ldc: ld)
        if let cols {
          let shared = UncheckedSendable(value: (UnsafePointer(cols), target))
          let step = imageSample
          parallelRanges(samples * g.channels, threads: threads(forWork: samples * g.columnRows * count)) { units in
            let (cols, target) = shared.value
            var u = units.lowerBound
            while u < units.upperBound {
              let s = u / g.channels, c0 = u % g.channels, c1 = min(g.channels, c0 + units.upperBound - u)
              (target + s * step + c0 * planes).update(repeating: 0, count: (c1 - c0) * planes)
              g.col2imAdd(cols + s * count, target + s * step, channels: c0..<c1, rowStride: ld)
              u += c1 - c0
            }
          }
        }
      }
      if let bias {
        for n in n0..<(n0 + samples) {
          addBias(bias, to: image + n * imageSample, channels: groups * g.channels, planeSize: planes)
        }
      }
    }
  }

  /// `weightGrad[g] = Σₙ column[n, g] · im2col(image[n, g])ᵀ` (overwrites `weightGrad`).
  func weightGradient<T: KernelFloat>(
    image: UnsafePointer<T>, column: UnsafePointer<T>, into weightGrad: UnsafeMutablePointer<T>, dtype: DType
  ) {
    let g = geometry, chunk = chunk, count = g.columnCount
    let colBuffer = g.isIdentity ? nil : scratch(g.columnRows * chunk * count, dtype: dtype)
    let packedBuffer = chunk > 1 ? scratch(columnChannels * chunk * count, dtype: dtype) : nil
    let cols = colBuffer?.elements(as: T.self), packed = packedBuffer?.elements(as: T.self)
    if batch == 0 { weightGrad.update(repeating: 0, count: groups * weightGroup) }
    for n0 in stride(from: 0, to: batch, by: chunk) {
      let samples = min(chunk, batch - n0), ld = samples * count
      for group in 0..<groups {
        let imageStart = image + n0 * imageSample + group * g.imageSize
        let side = UnsafeMutablePointer(mutating: column + n0 * columnSample + group * columnChannels * count)
        var source = imageStart
        if let cols {
          im2col(imageStart, samples: samples, into: cols)
          source = UnsafePointer(cols)
        }
        if samples > 1 { copyColumns(side: side, packed: packed!, samples: samples, scatter: false) }
        T.gemm(
          transposeA: false, transposeB: true, m: columnChannels, n: g.columnRows, k: ld,
          a: samples > 1 ? packed! : side, lda: ld, b: source, ldb: ld, beta: n0 == 0 ? 0 : 1,
          c: weightGrad + group * weightGroup, ldc: g.columnRows)
      }
    }
  }
}

/// `planes[c, :] += bias[c]` over `channels` planes of `planeSize` elements.
func addBias<T: KernelFloat>(
  _ bias: UnsafePointer<T>, to planes: UnsafeMutablePointer<T>, channels: Int, planeSize: Int
) {
  for c in 0..<channels {
    let b = bias[c], plane = planes + c * planeSize
    for i in 0..<planeSize { plane[i] += b }
  }
}
