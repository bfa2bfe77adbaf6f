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
/// Work is shared out by sample: when the batch has at least two samples per thread
/// (`BLAS.threadCount`), each thread takes a contiguous run of samples and does everything for one
/// sample at a time on its own scratch (im2col, one single-threaded GEMM per group, col2im), so
/// the column matrix is still in the core's cache when the GEMM reads it and no thread waits for
/// another between steps. A smaller batch goes sample by sample with each sample's im2col,
/// GEMM and col2im split across the threads. A 1×1 stride-1 unpadded window skips im2col: the
/// GEMMs read and write the tensors themselves.
///
/// Measured on 2 cores (Conv2d(32, 64, 3) on `[64, 32, 28, 28]`, forward + backward): 64
/// per-sample GEMMs of `64×288×676` take 14.5 ms on one core, three of `64×288×14196` (21 samples
/// side by side) 19.8 ms, and the side-by-side layout needed copies to and from the tensors.
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

  /// The most elements the per-thread scratch buffers may take together when samples run in
  /// parallel (64 MiB of float32); a larger problem splits each sample instead.
  private static let parallelScratchLimit = 1 << 24

  private func threads(forWork work: Int) -> Int { min(kernelCoreCount, max(1, work / Self.parallelGrain)) }

  /// Elements of one sample's column matrix (0 when im2col is the identity).
  private var columnMatrixCount: Int { geometry.isIdentity ? 0 : geometry.columnRows * geometry.columnCount }

  /// How the batch is shared out: `sampleThreads` threads each take a run of samples, and each
  /// sample's work is split across `innerThreads` threads (one of the two is 1).
  private func split(scratch: Int) -> (sampleThreads: Int, innerThreads: Int) {
    let threads = BLAS.threadCount
    let multiplyAdds =
      Double(batch) * Double(groups * columnChannels) * Double(geometry.columnRows)
      * Double(geometry.columnCount)
    guard threads > 1, multiplyAdds >= Double(GEMMSplit.minimumWork) else { return (1, 1) }
    if batch >= 2 * threads && threads * scratch <= Self.parallelScratchLimit { return (threads, 1) }
    return (1, threads)
  }

  /// Runs `body(worker, samples, scratch, innerThreads)` on disjoint runs of samples covering the
  /// batch, each worker with its own `scratchCount` elements of scratch (`nil` for 0) from the
  /// caching allocator: in parallel, or as one run whose work `innerThreads` threads share. Then
  /// calls `finish(workers, scratch)` with every worker's scratch, one after the other.
  private func forEachWorker<T: KernelFloat>(
    scratch scratchCount: Int, dtype: DType,
    _ body: (_ worker: Int, _ samples: Range<Int>, _ scratch: UnsafeMutablePointer<T>?, _ innerThreads: Int) -> Void,
    finish: (_ workers: Int, _ scratch: UnsafeMutablePointer<T>?) -> Void = { _, _ in }
  ) {
    let (workers, inner) = split(scratch: scratchCount)
    let buffer = scratchCount > 0 ? Tensor(uninitializedShape: [workers * scratchCount], dtype: dtype) : nil
    withExtendedLifetime(buffer) {
      let base = buffer?.elements(as: T.self)
      if workers == 1 {
        body(0, 0..<batch, base, inner)
      } else {
        let run = (batch + workers - 1) / workers
        let shared = UncheckedSendable(value: base)
        Parallel.perform(iterations: workers) { worker in
          let start = min(batch, worker * run), end = min(batch, start + run)
          body(worker, start..<end, shared.value.map { $0 + worker * scratchCount }, 1)
        }
      }
      finish(workers, base)
    }
  }

  /// Writes the column matrix of one group of one image (`image`) into `columns`, its rows
  /// split across `threads` threads.
  private func im2col<T: KernelFloat>(_ image: UnsafePointer<T>, into columns: UnsafeMutablePointer<T>, threads: Int) {
    let g = geometry
    let shared = UncheckedSendable(value: (image, columns))
    parallelRanges(g.columnRows, threads: min(threads, self.threads(forWork: columnMatrixCount))) { rows in
      g.im2col(shared.value.0, shared.value.1, rows: rows)
    }
  }

  /// Overwrites one group of one image (`image`) with the sum of the column matrix `columns`
  /// (col2im), its channels split across `threads` threads.
  private func col2im<T: KernelFloat>(_ columns: UnsafePointer<T>, into image: UnsafeMutablePointer<T>, threads: Int) {
    let g = geometry, planes = g.height * g.width
    let shared = UncheckedSendable(value: (columns, image))
    parallelRanges(g.channels, threads: min(threads, self.threads(forWork: columnMatrixCount))) { channels in
      let (columns, image) = shared.value
      (image + channels.lowerBound * planes).update(repeating: 0, count: channels.count * planes)
      g.col2imAdd(columns, image, channels: channels)
    }
  }

  /// `column = W · im2col(image)` for every sample and group, then `column[n, c] += bias[c]`.
  func columnsFromImage<T: KernelFloat>(
    image: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?, into column: UnsafeMutablePointer<T>,
    dtype: DType
  ) {
    let g = geometry, count = g.columnCount
    forEachWorker(scratch: columnMatrixCount, dtype: dtype) { (_, samples, cols: UnsafeMutablePointer<T>?, inner) in
      for n in samples {
        for group in 0..<groups {
          var source = image + n * imageSample + group * g.imageSize
          if let cols {
            im2col(source, into: cols, threads: inner)
            source = UnsafePointer(cols)
          }
          T.gemm(
            transposeA: false, transposeB: false, m: columnChannels, n: count, k: g.columnRows,
            a: weight + group * weightGroup, lda: g.columnRows, b: source, ldb: count, beta: 0,
            c: column + n * columnSample + group * columnChannels * count, ldc: count, threads: inner)
        }
        if let bias {
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
    let g = geometry, count = g.columnCount
    forEachWorker(scratch: columnMatrixCount, dtype: dtype) { (_, samples, cols: UnsafeMutablePointer<T>?, inner) in
      for n in samples {
        for group in 0..<groups {
          let target = image + n * imageSample + group * g.imageSize
          // With no im2col, the GEMM writes the image directly.
          T.gemm(
            transposeA: true, transposeB: false, m: g.columnRows, n: count, k: columnChannels,
            a: weight + group * weightGroup, lda: g.columnRows,
            b: column + n * columnSample + group * columnChannels * count,
            ldb: count, beta: 0, c: cols ?? target, ldc: count, threads: inner)
          if let cols { col2im(cols, into: target, threads: inner) }
        }
        if let bias {
          addBias(bias, to: image + n * imageSample, channels: groups * g.channels, planeSize: g.height * g.width)
        }
      }
    }
  }

  /// `weightGrad[g] = Σₙ column[n, g] · im2col(image[n, g])ᵀ` (overwrites `weightGrad`). Each
  /// worker sums its samples into its own buffer (the first into `weightGrad`); the buffers are
  /// then added in worker order, so a thread count gives the same bits every run.
  ///
  /// With `biasGrad`, also `biasGrad[c] = Σₙ Σᵢ column[n, c, i]` (a convolution's bias gradient:
  /// the output gradient summed over all but the channel dimension), each plane summed in double
  /// right after the GEMM has read it, so the output gradient is not read from memory a second
  /// time; per-worker sums are added in worker order, as the weight gradient's.
  func weightGradient<T: KernelFloat>(
    image: UnsafePointer<T>, column: UnsafePointer<T>, into weightGrad: UnsafeMutablePointer<T>,
    biasGrad: UnsafeMutablePointer<T>? = nil, dtype: DType
  ) {
    let g = geometry, count = g.columnCount, total = groups * weightGroup, matrix = columnMatrixCount
    let channels = groups * columnChannels
    // A row of double sums per worker (there are at most `BLAS.threadCount` workers).
    let biasSums = biasGrad.map { _ in UnsafeMutablePointer<Double>.allocate(capacity: BLAS.threadCount * channels) }
    defer { biasSums?.deallocate() }
    forEachWorker(scratch: matrix + total, dtype: dtype) {
      (worker, samples, scratch: UnsafeMutablePointer<T>?, inner) in
      let sum = worker == 0 ? weightGrad : scratch! + matrix
      if samples.isEmpty { sum.update(repeating: 0, count: total) }
      let biasSum = biasSums.map { $0 + worker * channels }
      biasSum?.update(repeating: 0, count: channels)
      for n in samples {
        for group in 0..<groups {
          var source = image + n * imageSample + group * g.imageSize
          if matrix > 0 {
            im2col(source, into: scratch!, threads: inner)
            source = UnsafePointer(scratch!)
          }
          T.gemm(
            transposeA: false, transposeB: true, m: columnChannels, n: g.columnRows, k: count,
            a: column + n * columnSample + group * columnChannels * count, lda: count, b: source, ldb: count,
            beta: n == samples.lowerBound ? 0 : 1, c: sum + group * weightGroup, ldc: g.columnRows, threads: inner)
        }
        if let biasSum {
          let planes = column + n * columnSample
          for c in 0..<channels { biasSum[c] += T.sum(planes + c * count, count: count) }
        }
      }
    } finish: { workers, scratch in
      for worker in 1..<max(1, workers) {
        let partial = scratch! + worker * (matrix + total) + matrix
        for i in 0..<total { weightGrad[i] += partial[i] }
      }
      if let biasGrad, let biasSums {
        for c in 0..<channels {
          var sum = biasSums[c]
          for worker in 1..<max(1, workers) { sum += biasSums[worker * channels + c] }
          biasGrad[c] = T(sum)
        }
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
