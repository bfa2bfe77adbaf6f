/// The shape of one im2col/col2im pass over one group of one image: an image of `channels`
/// planes `height × width` against a `kernelH × kernelW` window moved by `stride`, spread by
/// `dilation`, with `padTop`/`padLeft` zeros before the image (the zeros after it are implied by
/// `outH`/`outW`). The column matrix is `[channels·kernelH·kernelW, outH·outW]`, row-major: row
/// `(c·kernelH + i)·kernelW + j` holds `image[c, oh·strideH - padTop + i·dilationH, ow·… ]`
/// for every output position, 0 where that falls in the padding.
///
/// A 1-d problem is the 2-d one with `height = kernelH = outH = 1`.
struct Im2ColGeometry: Sendable {
  let channels: Int
  let height: Int, width: Int
  let kernelH: Int, kernelW: Int
  let strideH: Int, strideW: Int
  let padTop: Int, padLeft: Int
  let dilationH: Int, dilationW: Int
  let outH: Int, outW: Int

  var imageSize: Int { channels * height * width }
  var columnRows: Int { channels * kernelH * kernelW }
  var columnCount: Int { outH * outW }

  /// The column matrix is the image itself (1×1 window, stride 1, no padding): no copy needed.
  var isIdentity: Bool {
    kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
      && outH == height && outW == width
  }

  /// The output columns `ow` whose input column `ow·strideW - padLeft + offset` lies inside the
  /// image.
  @inline(__always)
  func validColumns(offset: Int) -> Range<Int> {
    let first = offset >= 0 ? 0 : (-offset + strideW - 1) / strideW
    let last = width - 1 - offset < 0 ? -1 : (width - 1 - offset) / strideW
    let lo = min(first, outW), hi = min(max(last + 1, lo), outW)
    return lo..<hi
  }

  /// Writes the column matrix of `image` (`imageSize` elements) into `columns` (a dense
  /// `[columnRows, columnCount]` matrix) for the column rows `rows`.
  func im2col<T: KernelFloat>(_ image: UnsafePointer<T>, _ columns: UnsafeMutablePointer<T>, rows: Range<Int>) {
    let count = columnCount
    for row in rows {
      let j = row % kernelW, i = (row / kernelW) % kernelH, c = row / (kernelW * kernelH)
      let plane = image + c * height * width
      let offsetW = j * dilationW - padLeft
      let valid = validColumns(offset: offsetW)
      var out = columns + row * count
      for oh in 0..<outH {
        let ih = oh * strideH - padTop + i * dilationH
        if ih < 0 || ih >= height {
          out.update(repeating: 0, count: outW)
        } else {
          out.update(repeating: 0, count: valid.lowerBound)
          let source = plane + ih * width + offsetW
          if strideW == 1 {
            (out + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
          } else {
            for ow in valid { out[ow] = source[ow * strideW] }
          }
          (out + valid.upperBound).update(repeating: 0, count: outW - valid.upperBound)
        }
        out += outW
      }
    }
  }

  /// Adds the column matrix `columns` back into `image` (the adjoint of ``im2col``) for the
  /// image channels `channelRange`; every column row of those channels is summed in.
  func col2imAdd<T: KernelFloat>(
    _ columns: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>, channels channelRange: Range<Int>
  ) {
    let count = columnCount
    for c in channelRange {
      let plane = image + c * height * width
      for i in 0..<kernelH {
        for j in 0..<kernelW {
          let row = (c * kernelH + i) * kernelW + j
          let offsetW = j * dilationW - padLeft
          let valid = validColumns(offset: offsetW)
          var input = columns + row * count
          for oh in 0..<outH {
            let ih = oh * strideH - padTop + i * dilationH
            if ih >= 0 && ih < height {
              let target = plane + ih * width + offsetW
              if strideW == 1 {
                for ow in valid { target[ow] += input[ow] }
              } else {
                for ow in valid { target[ow * strideW] += input[ow] }
              }
            }
            input += outW
          }
        }
      }
    }
  }
}
