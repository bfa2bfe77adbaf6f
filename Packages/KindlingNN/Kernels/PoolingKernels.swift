import CKindlingVector

/// One pooling window layout over planes of `height × width` (a 1-d pool is the 2-d one with
/// `height = kernelH = outH = 1`). Window `(oh, ow)` starts at `(oh·strideH - padTop,
/// ow·strideW - padLeft)` and takes every `dilation`-th element.
struct PoolGeometry: Sendable {
  let height: Int, width: Int
  let kernelH: Int, kernelW: Int
  let strideH: Int, strideW: Int
  let padTop: Int, padLeft: Int
  let dilationH: Int, dilationW: Int
  let outH: Int, outW: Int

  var planeSize: Int { height * width }
  var outPlaneSize: Int { outH * outW }

  /// Runs `body(planes)` over `0..<planes` in chunks, split across cores when the work is large.
  func forPlanes(_ planes: Int, workPerPlane: Int, _ body: (Range<Int>) -> Void) {
    let threads = min(kernelCoreCount, max(1, planes * workPerPlane / 32_768))
    parallelRanges(planes, threads: threads, body)
  }

  /// Max pooling: each window's largest value (NaN wins, the last NaN; the first maximum on ties, as PyTorch's CPU kernel) and its
  /// index `h·width + w` within the plane. Tiling windows (``isTiling``, e.g. 2×2 stride 2) take
  /// ``maxForwardTiling``.
  func maxForward<T: KernelFloat>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<Int64>, planes: Int
  ) {
    if isTiling { return maxForwardTiling(input, output, indices, planes: planes) }
    let shared = UncheckedSendable(value: (input, output, indices))
    forPlanes(planes, workPerPlane: outPlaneSize * kernelH * kernelW) { range in
      let (input, output, indices) = shared.value
      for p in range {
        let plane = input + p * planeSize
        var o = p * outPlaneSize
        for oh in 0..<outH {
          var h0 = oh * strideH - padTop
          let hEnd = min(h0 + (kernelH - 1) * dilationH + 1, height)
          while h0 < 0 { h0 += dilationH }
          for ow in 0..<outW {
            var w0 = ow * strideW - padLeft
            let wEnd = min(w0 + (kernelW - 1) * dilationW + 1, width)
            while w0 < 0 { w0 += dilationW }
            var best = -T.infinity, bestIndex = h0 * width + w0
            var h = h0
            while h < hEnd {
              var w = w0
              while w < wEnd {
                let v = plane[h * width + w]
                if v > best || v.isNaN {
                  best = v
                  bestIndex = h * width + w
                }
                w += dilationW
              }
              h += dilationH
            }
            output[o] = best
            indices[o] = Int64(bestIndex)
            o += 1
          }
        }
      }
    }
  }

  /// Windows that tile the plane without gaps or overlap (`stride == kernel`, no padding, no
  /// dilation, every window inside the image): ``maxForward`` takes a direct loop for them.
  var isTiling: Bool {
    strideH == kernelH && strideW == kernelW && padTop == 0 && padLeft == 0 && dilationH == 1 && dilationW == 1
      && outH * kernelH <= height && outW * kernelW <= width && kernelH > 0 && kernelW > 0
  }

  /// ``maxForward`` for tiling windows (``isTiling``), with the same NaN and tie rules; 2×2
  /// windows are unrolled.
  func maxForwardTiling<T: KernelFloat>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ indices: UnsafeMutablePointer<Int64>, planes: Int
  ) {
    let shared = UncheckedSendable(value: (input, output, indices))
    let (width, kernelH, kernelW, outH, outW) = (width, kernelH, kernelW, outH, outW)
    let planeSize = planeSize, outPlaneSize = outPlaneSize
    forPlanes(planes, workPerPlane: outPlaneSize * kernelH * kernelW) { range in
      let (input, output, indices) = shared.value
      for p in range {
        let plane = input + p * planeSize
        let out = output + p * outPlaneSize, ind = indices + p * outPlaneSize
        for oh in 0..<outH {
          let h0 = oh * kernelH
          let row = plane + h0 * width
          let o = out + oh * outW, oi = ind + oh * outW
          if kernelH == 2 && kernelW == 2 && T.self == Float.self {
            // float32: CKindlingVector's loop, built for AVX2 and AVX-512 too.
            kindling_maxpool2x2_f32(
              UnsafeRawPointer(row).assumingMemoryBound(to: Float.self),
              UnsafeRawPointer(row + width).assumingMemoryBound(to: Float.self),
              UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self),
              UnsafeMutableRawPointer(oi).assumingMemoryBound(to: Int64.self), outW, Int64(h0 * width), Int64(width))
          } else if kernelH == 2 && kernelW == 2 {
            let next = row + width
            for ow in 0..<outW {
              let w0 = 2 * ow
              // Branch-free selects, so the loop vectorizes; `!(v <= best)` is `v > best || v.isNaN`
              // for a non-NaN best, and a NaN best only gives way to a later NaN.
              let v0 = row[w0], v1 = row[w0 + 1], v2 = next[w0], v3 = next[w0 + 1]
              var best = v0, offset = 0
              let t1 = v1 > best || v1 != v1
              best = t1 ? v1 : best
              offset = t1 ? 1 : offset
              let t2 = v2 > best || v2 != v2
              best = t2 ? v2 : best
              offset = t2 ? width : offset
              let t3 = v3 > best || v3 != v3
              best = t3 ? v3 : best
              offset = t3 ? width + 1 : offset
              o[ow] = best
              oi[ow] = Int64(h0 * width + w0 + offset)
            }
          } else {
            for ow in 0..<outW {
              let w0 = ow * kernelW
              var best = -T.infinity, bestIndex = h0 * width + w0
              for h in h0..<(h0 + kernelH) {
                for w in w0..<(w0 + kernelW) {
                  let v = plane[h * width + w]
                  if v > best || v.isNaN {
                    best = v
                    bestIndex = h * width + w
                  }
                }
              }
              o[ow] = best
              oi[ow] = Int64(bestIndex)
            }
          }
        }
      }
    }
  }

  /// Max pooling's backward: each output gradient added at its window's argmax. Each plane is
  /// zeroed just before its gradients go in, so it is still in the core's cache for them (zeroing
  /// a thread's whole range first, then adding, went through memory twice).
  func maxBackward<T: KernelFloat>(
    _ grad: UnsafePointer<T>, _ indices: UnsafePointer<Int64>, _ gradInput: UnsafeMutablePointer<T>, planes: Int
  ) {
    let shared = UncheckedSendable(value: (grad, indices, gradInput))
    forPlanes(planes, workPerPlane: outPlaneSize + planeSize) { range in
      let (grad, indices, gradInput) = shared.value
      for p in range {
        let plane = gradInput + p * planeSize
        plane.update(repeating: 0, count: planeSize)
        for o in (p * outPlaneSize)..<((p + 1) * outPlaneSize) { plane[Int(indices[o])] += grad[o] }
      }
    }
  }

  /// The window `(oh, ow)` of average pooling clipped to the image, and its divisor: the
  /// override, the window's extent inside the padded image (`countIncludePad`), or its count of
  /// image elements.
  @inline(__always)
  func averageWindow(
    _ oh: Int, _ ow: Int, countIncludePad: Bool, divisorOverride: Int?
  ) -> (h: Range<Int>, w: Range<Int>, divisor: Int) {
    let h0 = oh * strideH - padTop, w0 = ow * strideW - padLeft
    let h1 = min(h0 + kernelH, height + padTop), w1 = min(w0 + kernelW, width + padLeft)
    let padded = (h1 - h0) * (w1 - w0)
    let h = max(h0, 0)..<max(min(h1, height), max(h0, 0)), w = max(w0, 0)..<max(min(w1, width), max(w0, 0))
    return (h, w, divisorOverride ?? (countIncludePad ? padded : h.count * w.count))
  }

  /// Average pooling's forward (`backward: false`: output from input) or backward (`true`: the
  /// input gradient from the output gradient, each window's gradient spread evenly).
  func average<T: KernelFloat>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, planes: Int, countIncludePad: Bool,
    divisorOverride: Int?, backward: Bool
  ) {
    let shared = UncheckedSendable(value: (source, target))
    forPlanes(planes, workPerPlane: outPlaneSize * kernelH * kernelW) { range in
      let (source, target) = shared.value
      if backward { (target + range.lowerBound * planeSize).update(repeating: 0, count: range.count * planeSize) }
      for p in range {
        for oh in 0..<outH {
          for ow in 0..<outW {
            let window = averageWindow(oh, ow, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
            let o = p * outPlaneSize + oh * outW + ow
            let plane = p * planeSize
            if backward {
              let share = source[o] / T(window.divisor)
              for h in window.h { for w in window.w { target[plane + h * width + w] += share } }
            } else {
              var sum: T = 0
              for h in window.h { for w in window.w { sum += source[plane + h * width + w] } }
              target[o] = window.h.isEmpty || window.w.isEmpty ? 0 : sum / T(window.divisor)
            }
          }
        }
      }
    }
  }

  /// Adaptive average pooling's windows: rows `⌊oh·H/outH⌋ ..< ⌈(oh+1)·H/outH⌉`, columns alike.
  static func adaptive(height: Int, width: Int, outH: Int, outW: Int) -> PoolGeometry {
    PoolGeometry(
      height: height, width: width, kernelH: 0, kernelW: 0, strideH: 0, strideW: 0, padTop: 0, padLeft: 0,
      dilationH: 1, dilationW: 1, outH: outH, outW: outW)
  }

  /// Adaptive average pooling, forward or backward (see ``average``).
  func adaptiveAverage<T: KernelFloat>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, planes: Int, backward: Bool
  ) {
    let shared = UncheckedSendable(value: (source, target))
    func span(_ i: Int, _ size: Int, _ out: Int) -> Range<Int> { (i * size / out)..<(((i + 1) * size + out - 1) / out) }
    forPlanes(planes, workPerPlane: planeSize + outPlaneSize) { range in
      let (source, target) = shared.value
      if backward { (target + range.lowerBound * planeSize).update(repeating: 0, count: range.count * planeSize) }
      for p in range {
        for oh in 0..<outH {
          let hs = span(oh, height, outH)
          for ow in 0..<outW {
            let ws = span(ow, width, outW)
            let o = p * outPlaneSize + oh * outW + ow, plane = p * planeSize
            let count = T(hs.count * ws.count)
            if backward {
              let share = source[o] / count
              for h in hs { for w in ws { target[plane + h * width + w] += share } }
            } else {
              var sum: T = 0
              for h in hs { for w in ws { sum += source[plane + h * width + w] } }
              target[o] = sum / count
            }
          }
        }
      }
    }
  }
}
