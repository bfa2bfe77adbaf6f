import KindlingTensor

extension WindowGeometry {
  /// The struct `WGeom` window kernels take, then the element offsets of their two buffers.
  static let declaration = """
    typedef struct {
      i64 batch; i64 channels; i64 height; i64 width; i64 kernelH; i64 kernelW; i64 strideH; i64 strideW;
      i64 padTop; i64 padLeft; i64 dilationH; i64 dilationW; i64 outH; i64 outW; i64 offsetA; i64 offsetB;
    } WGeom;

    """

  /// The struct's bytes with the offsets of the kernel's first and second buffer.
  func argument(offsetA: Int, offsetB: Int) -> KernelArgument {
    let words = [
      batch, channels, height, width, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW,
      outH, outW, offsetA, offsetB,
    ].map(Int64.init)
    return .bytes(words.withUnsafeBytes { Array($0) })
  }
}

/// Kernels over sliding windows (``WindowGeometry``): im2col, col2im, max pooling and its
/// backward. One thread per output element; col2im and the pooling backward gather what they
/// sum (no atomics), so results do not depend on scheduling.
enum WindowSource {
  /// Kernel text running `body` for every window position `(oh, ow)` whose window reads the
  /// image element `(h, w)`, at window offset `(i, j)` (the adjoint loops of col2im and the
  /// pooling backward).
  static func coveringWindows(_ body: String) -> String {
    """
    for (i64 i = 0; i < G.kernelH; ++i) {
          i64 hh = h + G.padTop - i * G.dilationH;
          if (hh < 0 || hh % G.strideH != 0 || hh / G.strideH >= G.outH) continue;
          i64 oh = hh / G.strideH;
          for (i64 j = 0; j < G.kernelW; ++j) {
            i64 ww = w + G.padLeft - j * G.dilationW;
            if (ww < 0 || ww % G.strideW != 0 || ww / G.strideW >= G.outW) continue;
            i64 ow = ww / G.strideW;
            \(body)
          }
        }
    """
  }

  /// `cols (A) ← image (B)`: the column matrix `[rows, batch·L]`, sample `n`'s columns at
  /// `n·L ..< (n+1)·L` of each row.
  static func im2col(name: String, element: String) -> String {
    WindowGeometry.declaration + """
      KERNEL \(name)(GLOBAL \(element) *cols, GLOBAL const \(element) *img, WGeom G) {
        i64 L = G.outH * G.outW, rows = G.channels * G.kernelH * G.kernelW, total = G.batch * rows * L;
        for (i64 idx = BLOCK_ID * BLOCK_SIZE + THREAD_ID; idx < total; idx += BLOCK_SIZE * GRID_SIZE) {
          i64 l = idx % L, n = (idx / L) % G.batch, r = idx / (L * G.batch);
          i64 ow = l % G.outW, oh = l / G.outW;
          i64 j = r % G.kernelW, i = (r / G.kernelW) % G.kernelH, c = r / (G.kernelW * G.kernelH);
          i64 h = oh * G.strideH - G.padTop + i * G.dilationH, w = ow * G.strideW - G.padLeft + j * G.dilationW;
          cols[G.offsetA + idx] = (h >= 0 && h < G.height && w >= 0 && w < G.width)
            ? img[G.offsetB + ((n * G.channels + c) * G.height + h) * G.width + w] : (\(element))0;
        }
      }

      """
  }

  /// `image (A) ← Σ cols (B)` over the window positions that read each image element (columns
  /// laid out as im2col writes them).
  static func col2im(name: String, element: String) -> String {
    WindowGeometry.declaration + """
      KERNEL \(name)(GLOBAL \(element) *img, GLOBAL const \(element) *cols, WGeom G) {
        i64 L = G.outH * G.outW;
        i64 total = G.batch * G.channels * G.height * G.width;
        for (i64 idx = BLOCK_ID * BLOCK_SIZE + THREAD_ID; idx < total; idx += BLOCK_SIZE * GRID_SIZE) {
          i64 w = idx % G.width, h = (idx / G.width) % G.height;
          i64 c = (idx / (G.width * G.height)) % G.channels, n = idx / (G.width * G.height * G.channels);
          \(element) acc = (\(element))0;
          \(coveringWindows("""
            i64 r = (c * G.kernelH + i) * G.kernelW + j;
            acc += cols[G.offsetB + (r * G.batch + n) * L + oh * G.outW + ow];
            """))
          img[G.offsetA + idx] = acc;
        }
      }

      """
  }

  /// `values (A), indices` ← the max of each window of `input (B)`: the CPU kernel's rule (a
  /// value wins if greater or NaN, so the first maximum and the last NaN).
  static func maxPool(name: String, element: String) -> String {
    WindowGeometry.declaration + """
      KERNEL \(name)(GLOBAL \(element) *values, GLOBAL i64 *indices, i64 indicesOffset, GLOBAL const \(element) *x,
                     WGeom G) {
        i64 total = G.batch * G.channels * G.outH * G.outW;
        for (i64 idx = BLOCK_ID * BLOCK_SIZE + THREAD_ID; idx < total; idx += BLOCK_SIZE * GRID_SIZE) {
          i64 ow = idx % G.outW, oh = (idx / G.outW) % G.outH, p = idx / (G.outW * G.outH);
          i64 h0 = oh * G.strideH - G.padTop, w0 = ow * G.strideW - G.padLeft;
          i64 hEnd = h0 + (G.kernelH - 1) * G.dilationH + 1, wEnd = w0 + (G.kernelW - 1) * G.dilationW + 1;
          if (hEnd > G.height) hEnd = G.height;
          if (wEnd > G.width) wEnd = G.width;
          while (h0 < 0) h0 += G.dilationH;
          while (w0 < 0) w0 += G.dilationW;
          GLOBAL const \(element) *plane = x + G.offsetB + p * G.height * G.width;
          \(element) best = -INFINITY;
          i64 bestIndex = h0 * G.width + w0;
          for (i64 h = h0; h < hEnd; h += G.dilationH) {
            for (i64 w = w0; w < wEnd; w += G.dilationW) {
              \(element) v = plane[h * G.width + w];
              if (v > best || v != v) { best = v; bestIndex = h * G.width + w; }
            }
          }
          values[G.offsetA + idx] = best;
          indices[indicesOffset + idx] = bestIndex;
        }
      }

      """
  }

  /// `gradInput (A)` ← the sum of the output gradients (B) whose window's index is that element.
  static func maxPoolBackward(name: String, element: String) -> String {
    WindowGeometry.declaration + """
      KERNEL \(name)(GLOBAL \(element) *gx, GLOBAL const \(element) *gy, GLOBAL const i64 *indices, i64 indicesOffset,
                     WGeom G) {
        i64 total = G.batch * G.channels * G.height * G.width;
        for (i64 idx = BLOCK_ID * BLOCK_SIZE + THREAD_ID; idx < total; idx += BLOCK_SIZE * GRID_SIZE) {
          i64 w = idx % G.width, h = (idx / G.width) % G.height, p = idx / (G.width * G.height);
          i64 self = h * G.width + w;
          \(element) acc = (\(element))0;
          \(coveringWindows("""
            i64 o = (p * G.outH + oh) * G.outW + ow;
            if (indices[indicesOffset + o] == self) acc += gy[G.offsetB + o];
            """))
          gx[G.offsetA + idx] = acc;
        }
      }

      """
  }
}
