import KindlingTensor

/// The index space of a reduction: kept (outer) and reduced (inner) dimensions of the input
/// with their strides, passed to the kernel as the struct `RLayout`.
struct ReductionLayout {
  static let declaration = """
    typedef struct {
      i64 outerRank; i64 innerRank; i64 outerCount; i64 innerCount;
      i64 outerShape[8]; i64 outerStride[8]; i64 innerShape[8]; i64 innerStride[8];
      i64 offset; i64 valuesOffset; i64 indicesOffset;
    } RLayout;

    """
  let outerShape: [Int], outerStrides: [Int], innerShape: [Int], innerStrides: [Int]

  init(_ input: Tensor, reducedDims: [Int]) {
    var outerShape: [Int] = [], outerStrides: [Int] = [], innerShape: [Int] = [], innerStrides: [Int] = []
    for d in 0..<input.rank {
      if reducedDims.contains(d) {
        innerShape.append(input.shape[d])
        innerStrides.append(input.strides[d])
      } else {
        outerShape.append(input.shape[d])
        outerStrides.append(input.strides[d])
      }
    }
    (self.outerShape, self.outerStrides, self.innerShape, self.innerStrides) =
      (outerShape, outerStrides, innerShape, innerStrides)
  }

  var outerCount: Int { outerShape.reduce(1, *) }
  var innerCount: Int { innerShape.reduce(1, *) }
  var fits: Bool { outerShape.count <= 8 && innerShape.count <= 8 }

  func argument(offset: Int, valuesOffset: Int, indicesOffset: Int) -> KernelArgument {
    func padded(_ values: [Int], _ fill: Int) -> [Int64] {
      (0..<8).map { $0 < values.count ? Int64(values[$0]) : Int64(fill) }
    }
    var words: [Int64] = [Int64(outerShape.count), Int64(innerShape.count), Int64(outerCount), Int64(innerCount)]
    words += padded(outerShape, 1) + padded(outerStrides, 0) + padded(innerShape, 1) + padded(innerStrides, 0)
    words += [Int64(offset), Int64(valuesOffset), Int64(indicesOffset)]
    return .bytes(words.withUnsafeBytes { Array($0) })
  }
}

/// Kernel source for one reduction at one dtype, in two kernels.
///
/// `name` (the fold): blocks take (output, part) pairs in a grid-stride loop; each folds part
/// `s` of `splits` equal chunks of the output's reduced elements, its threads taking strided
/// shares, then a tree in shared memory. With one part it writes the result; with more it writes
/// the part's accumulator (and index) to `partial` buffers, and `name_combine` folds each
/// output's parts in order (one thread per output), so a long row (a full `sum()`) spreads over
/// the whole GPU and the result does not depend on scheduling. Extremes keep the first index
/// and let NaN win, as the CPU kernel does.
///
/// Fold parameters: values, indices (int64), input, `RLayout`, `writeValues`, `writeIndices`,
/// `splits`, partial accumulators, partial indices. Combine: values, indices, `RLayout`,
/// `writeValues`, `writeIndices`, `splits`, partial accumulators, partial indices.
enum ReductionSource {
  static let threadsPerBlock = 256

  /// The accumulator's kernel type: the element for extremes, double or i64 for the rest.
  static func accumulator(_ kind: ReductionKind, element: String, floating: Bool) -> String {
    kind == .max || kind == .min ? element : (floating ? "double" : "i64")
  }

  static func names(_ name: String) -> [String] { [name, "\(name)_combine"] }

  static func make(name: String, kind: ReductionKind, element: String, floating: Bool) -> String {
    let extremum = kind == .max || kind == .min
    let acc = accumulator(kind, element: element, floating: floating)
    let identity = kind == .product ? "(\(acc))1" : "(\(acc))0"
    let op = kind == .product ? "*" : "+"
    let fold = extremum ? "if (BETTER(v, j, acc, idx)) { acc = v; idx = j; }" : "acc = acc \(op) (\(acc))v;"
    let merge =
      extremum
      ? "if (BETTER(sv[t + h], si[t + h], sv[t], si[t])) { sv[t] = sv[t + h]; si[t] = si[t + h]; }"
      : "sv[t] = sv[t] \(op) sv[t + h];"
    let combine =
      extremum
      ? "if (BETTER(pa[k], pi[k], acc, idx)) { acc = pa[k]; idx = pi[k]; }" : "acc = acc \(op) pa[k]; idx = 0;"
    func result(_ value: String) -> String {
      kind == .mean ? "(\(element))(\(value) / (double)L.innerCount)" : "(\(element))\(value)"
    }
    return ReductionLayout.declaration + """
      #define NANV(v) ((v) != (v))
      #define BETTER(nv, ni, cv, ci) ((ci) < 0 || ((ni) >= 0 && ((NANV(nv) && !NANV(cv)) \\
        || (!NANV(nv) && !NANV(cv) && (nv) \(kind == .max ? ">" : "<") (cv)) \\
        || (((nv) == (cv) || (NANV(nv) && NANV(cv))) && (ni) < (ci)))))
      KERNEL \(name)(GLOBAL \(element) *values, GLOBAL i64 *indices, GLOBAL const \(element) *x, RLayout L,
                     i64 writeValues, i64 writeIndices, i64 splits, GLOBAL \(acc) *partial, GLOBAL i64 *partialIndex) {
        SHARED \(acc) sv[\(threadsPerBlock)];
        SHARED i64 si[\(threadsPerBlock)];
        i64 t = THREAD_ID;
        i64 chunk = (L.innerCount + splits - 1) / splits;
        for (i64 unit = BLOCK_ID; unit < L.outerCount * splits; unit += GRID_SIZE) {
          i64 o = unit / splits, part = unit - o * splits;
          i64 base = L.offset, r = o;
          for (i64 d = L.outerRank - 1; d >= 0; --d) {
            i64 n = L.outerShape[d], q = r / n;
            base += (r - q * n) * L.outerStride[d];
            r = q;
          }
          i64 end = (part + 1) * chunk < L.innerCount ? (part + 1) * chunk : L.innerCount;
          \(acc) acc = \(identity);
          i64 idx = -1;
          for (i64 j = part * chunk + t; j < end; j += BLOCK_SIZE) {
            i64 off = base, s = j;
            for (i64 d = L.innerRank - 1; d >= 0; --d) {
              i64 n = L.innerShape[d], q = s / n;
              off += (s - q * n) * L.innerStride[d];
              s = q;
            }
            \(element) v = x[off];
            \(fold)
          }
          sv[t] = acc;
          si[t] = idx;
          BARRIER();
          for (i64 h = BLOCK_SIZE / 2; h > 0; h >>= 1) {
            if (t < h) { \(merge) }
            BARRIER();
          }
          if (t == 0) {
            if (splits > 1) {
              partial[unit] = sv[0];
              partialIndex[unit] = si[0];
            } else {
              if (writeValues) values[L.valuesOffset + o] = \(result("sv[0]"));
              if (writeIndices) indices[L.indicesOffset + o] = si[0] < 0 ? 0 : si[0];
            }
          }
          BARRIER();
        }
      }

      KERNEL \(name)_combine(GLOBAL \(element) *values, GLOBAL i64 *indices, RLayout L, i64 writeValues, i64 writeIndices,
                             i64 splits, GLOBAL const \(acc) *partial, GLOBAL const i64 *partialIndex) {
        for (i64 o = BLOCK_ID * BLOCK_SIZE + THREAD_ID; o < L.outerCount; o += BLOCK_SIZE * GRID_SIZE) {
          GLOBAL const \(acc) *pa = partial + o * splits;
          GLOBAL const i64 *pi = partialIndex + o * splits;
          \(acc) acc = \(identity);
          i64 idx = -1;
          for (i64 k = 0; k < splits; ++k) { \(combine) }
          if (writeValues) values[L.valuesOffset + o] = \(result("acc"));
          if (writeIndices) indices[L.indicesOffset + o] = idx < 0 ? 0 : idx;
        }
      }

      """
  }
}
