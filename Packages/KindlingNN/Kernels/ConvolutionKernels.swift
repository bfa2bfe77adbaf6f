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
/// Samples run one after the other; each GEMM is one big OpenBLAS call on OpenBLAS's threads, and
/// im2col/col2im split their rows or channels across cores. Operands are contiguous and stay in
/// NCHW: no layout conversion, and a 1×1 stride-1 unpadded window skips im2col altogether.
struct ConvProblem: Sendable {
  let batch: Int
  let groups: Int
  let columnChannels: Int
  let geometry: Im2ColGeometry

  var imageSample: Int { groups * geometry.imageSize }
  var columnSample: Int { groups * columnChannels * geometry.columnCount }
  var weightGroup: Int { columnChannels * geometry.columnRows }

  /// im2col work below this many elements stays on one thread.
  private static let parallelGrain = 32_768

  private func threads(forWork work: Int) -> Int { min(kernelCoreCount, max(1, work / Self.parallelGrain)) }

  /// A contiguous scratch column matrix (from the caching allocator), or nil when im2col is the
  /// identity.
  private func scratch(dtype: DType) -> Tensor? {
    geometry.isIdentity ? nil : Tensor(uninitializedShape: [geometry.columnRows * geometry.columnCount], dtype: dtype)
  }

  /// `image[n, g]`'s column matrix: `scratch` filled by im2col, or the image itself.
  private func columns<T: KernelFloat>(of image: UnsafePointer<T>, scratch: UnsafeMutablePointer<T>?) -> UnsafePointer<T> {
    guard let scratch else { return image }
    let g = geometry
    let shared = SendableBox((image, scratch))
    parallelRanges(g.columnRows, threads: threads(forWork: g.columnRows * g.columnCount)) { rows in
      g.im2col(shared.value.0, shared.value.1, rows: rows)
    }
    return UnsafePointer(scratch)
  }

  /// `column = W · im2col(image)` for every sample and group, then `column[n, c] += bias[c]`.
  func columnsFromImage<T: KernelFloat>(
    image: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?, into column: UnsafeMutablePointer<T>,
    dtype: DType
  ) {
    let g = geometry
    let buffer = scratch(dtype: dtype)
    let cols = buffer?.elements(as: T.self)
    for n in 0..<batch {
      for group in 0..<groups {
        let source = columns(of: image + n * imageSample + group * g.imageSize, scratch: cols)
        T.gemm(
          transposeA: false, transposeB: false, m: columnChannels, n: g.columnCount, k: g.columnRows,
          a: weight + group * weightGroup, lda: g.columnRows, b: source, ldb: g.columnCount, beta: 0,
          c: column + n * columnSample + group * columnChannels * g.columnCount, ldc: g.columnCount)
      }
      if let bias {
        addBias(bias, to: column + n * columnSample, channels: groups * columnChannels, planeSize: g.columnCount)
      }
    }
  }

  /// `image = col2im(Wᵀ · column)` for every sample and group (the image is overwritten), then
  /// `image[n, c] += bias[c]`.
  func imageFromColumns<T: KernelFloat>(
    column: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?, into image: UnsafeMutablePointer<T>,
    dtype: DType
  ) {
    let g = geometry
    let buffer = scratch(dtype: dtype)
    let cols = buffer?.elements(as: T.self)
    for n in 0..<batch {
      for group in 0..<groups {
        let target = image + n * imageSample + group * g.imageSize
        // With no im2col, the GEMM writes the image directly.
        T.gemm(
          transposeA: true, transposeB: false, m: g.columnRows, n: g.columnCount, k: columnChannels,
          a: weight + group * weightGroup, lda: g.columnRows,
          b: column + n * columnSample + group * columnChannels * g.columnCount, ldb: g.columnCount, beta: 0,
          c: cols ?? target, ldc: g.columnCount)
        if let cols {
          let shared = SendableBox((UnsafePointer(cols), target))
          parallelRanges(g.channels, threads: threads(forWork: g.columnRows * g.columnCount)) { channels in
            let (cols, target) = shared.value
            (target + channels.lowerBound * g.height * g.width).update(
              repeating: 0, count: channels.count * g.height * g.width)
            g.col2imAdd(cols, target, channels: channels)
          }
        }
      }
      if let bias {
        addBias(bias, to: image + n * imageSample, channels: groups * g.channels, planeSize: g.height * g.width)
      }
    }
  }

  /// `weightGrad[g] = Σₙ column[n, g] · im2col(image[n, g])ᵀ` (overwrites `weightGrad`).
  func weightGradient<T: KernelFloat>(
    image: UnsafePointer<T>, column: UnsafePointer<T>, into weightGrad: UnsafeMutablePointer<T>, dtype: DType
  ) {
    let g = geometry
    let buffer = scratch(dtype: dtype)
    let cols = buffer?.elements(as: T.self)
    if batch == 0 { weightGrad.update(repeating: 0, count: groups * weightGroup) }
    for n in 0..<batch {
      for group in 0..<groups {
        let source = columns(of: image + n * imageSample + group * g.imageSize, scratch: cols)
        T.gemm(
          transposeA: false, transposeB: true, m: columnChannels, n: g.columnRows, k: g.columnCount,
          a: column + n * columnSample + group * columnChannels * g.columnCount, lda: g.columnCount,
          b: source, ldb: g.columnCount, beta: n == 0 ? 0 : 1, c: weightGrad + group * weightGroup,
          ldc: g.columnRows)
      }
    }
  }
}

/// `planes[c, :] += bias[c]` over `channels` planes of `planeSize` elements.
func addBias<T: KernelFloat>(_ bias: UnsafePointer<T>, to planes: UnsafeMutablePointer<T>, channels: Int, planeSize: Int) {
  for c in 0..<channels {
    let b = bias[c], plane = planes + c * planeSize
    for i in 0..<planeSize { plane[i] += b }
  }
}
