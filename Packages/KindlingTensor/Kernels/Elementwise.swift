import CKindlingVector
import KindlingStorage

/// A float32 loop over contiguous memory from CKindlingVector, built for AVX2 + FMA as well as
/// baseline x86-64 and chosen at load time: `y[i] = f(x[i])` for `i < n`; `y` may be `x`.
typealias VectorUnaryKernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
/// `y[i] = f(a[i], b[i])` for `i < n` (see ``VectorUnaryKernel``); `y` may be `a` or `b`.
typealias VectorBinaryKernel =
  @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

/// A function of one element, as a type: kernels that take it as a generic parameter are
/// specialized for it, so the call inlines into the loop and the loop vectorizes.
protocol UnaryFunction {
  associatedtype Input: TensorScalar
  associatedtype Output: TensorScalar
  func callAsFunction(_ x: Input.Compute) -> Output.Compute
  /// The same function as a C loop, for float32 to float32 over contiguous runs, if it has one.
  var vectorKernel: VectorUnaryKernel? { get }
  /// The function as a device backend looks it up (by default the type's name).
  var deviceFunction: ElementwiseFunction { get }
}

/// A function of two elements, as a type (see ``UnaryFunction``).
protocol BinaryFunction {
  associatedtype A: TensorScalar
  associatedtype B: TensorScalar
  associatedtype Output: TensorScalar
  func callAsFunction(_ a: A.Compute, _ b: B.Compute) -> Output.Compute
  /// The same function as a C loop, for float32 operands over contiguous runs, if it has one.
  var vectorKernel: VectorBinaryKernel? { get }
  /// The function as a device backend looks it up (by default the type's name).
  var deviceFunction: ElementwiseFunction { get }
}

extension UnaryFunction {
  var vectorKernel: VectorUnaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}

extension BinaryFunction {
  var vectorKernel: VectorBinaryKernel? { nil }
  var deviceFunction: ElementwiseFunction { .named(Self.self) }
}

/// Pointers retyped for a vector kernel (which only runs when the element type is `Float`).
@inline(__always)
private func floats<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func floats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// Closures as element functions, for ops that are not hot enough to deserve their own type.
struct UnaryClosure<Input: TensorScalar, Output: TensorScalar>: UnaryFunction {
  let body: (Input.Compute) -> Output.Compute
  func callAsFunction(_ x: Input.Compute) -> Output.Compute { body(x) }
}

struct BinaryClosure<A: TensorScalar, B: TensorScalar, Output: TensorScalar>: BinaryFunction {
  let body: (A.Compute, B.Compute) -> Output.Compute
  func callAsFunction(_ a: A.Compute, _ b: B.Compute) -> Output.Compute { body(a, b) }
}

/// The elementwise kernels: one input or two, any strides (broadcast inputs carry stride 0),
/// written once over the element types and specialized by the compiler for each.
///
/// Inputs must already have the output's shape (broadcast views) and the element types the
/// function names; the output is written through its own strides, so in-place ops pass a view.
enum Elementwise {
  /// `out[i] = f(input[i])`.
  static func map<F: UnaryFunction>(_ input: Tensor, into out: Tensor, _ f: F) {
    if out.device != .cpu {
      return DeviceRegistry.run(.map(f.deviceFunction, input: input, output: out), on: out.device)
    }
    let x = input.pointer(as: F.Input.self)
    let y = out.pointer(as: F.Output.self)
    if out.isContiguous && input.isContiguous && input.shape == out.shape {
      if let kernel = f.vectorKernel {
        StridedLoop.runContiguous(count: out.count) { start, n in kernel(floats(x + start), floats(y + start), n) }
        return
      }
      StridedLoop.runContiguous(count: out.count) { start, n in
        let (yp, xp) = (y + start, x + start)
        if UnsafeRawPointer(yp) == UnsafeRawPointer(xp) {
          Elementwise.mapInPlace(yp, n, f)
        } else {
          for i in 0..<n { yp[i] = F.Output(compute: f(xp[i].compute)) }
        }
      }
      return
    }
    if isTransposedPair(input, out) {
      mapTiled(input, into: out, f)
      return
    }
    StridedLoop(shape: out.shape, strides: [out.strides, input.strides]).run { offsets, n, steps in
      let (yo, xo, ys, xs) = (offsets[0], offsets[1], steps[0], steps[1])
      if ys == 1 && xs == 1 {
        let (yp, xp) = (y + yo, x + xo)
        if let kernel = f.vectorKernel {
          kernel(floats(xp), floats(yp), n)
        } else if UnsafeRawPointer(yp) == UnsafeRawPointer(xp) {
          Elementwise.mapInPlace(yp, n, f)
        } else {
          for i in 0..<n { yp[i] = F.Output(compute: f(xp[i].compute)) }
        }
      } else if ys == 1 && xs == 0 {
        let value = F.Output(compute: f(x[xo].compute))
        for i in 0..<n { y[yo + i] = value }
      } else {
        for i in 0..<n { y[yo + i * ys] = F.Output(compute: f(x[xo + i * xs].compute)) }
      }
    }
  }

  /// Whether `out` runs along its last dimension while `input` runs along its second-to-last
  /// one (a transposed copy, `t().contiguous()`, a column-major copy for LAPACK): element by
  /// element one of the two would stride through memory, missing the cache on every access.
  static func isTransposedPair(_ input: Tensor, _ out: Tensor) -> Bool {
    let r = out.rank
    guard r >= 2, out.count >= 1024, input.shape == out.shape, out.shape[r - 1] > 1, out.shape[r - 2] > 1 else {
      return false
    }
    return out.strides[r - 1] == 1 && input.strides[r - 2] == 1 && input.strides[r - 1] != 1
  }

  /// `out[i] = f(input[i])` for a transposed pair (``isTransposedPair(_:_:)``), in square tiles
  /// of the last two dimensions small enough that both tiles stay in the L1 cache.
  static func mapTiled<F: UnaryFunction>(_ input: Tensor, into out: Tensor, _ f: F) {
    let r = out.rank
    let (rows, columns) = (out.shape[r - 2], out.shape[r - 1])
    let (yRow, xRow, xColumn) = (out.strides[r - 2], input.strides[r - 2], input.strides[r - 1])
    let batch = Array(out.shape.prefix(r - 2))
    let yBatches = Shape.storagePositions(shape: batch, strides: Array(out.strides.prefix(r - 2)), offset: 0)
    let xBatches = Shape.storagePositions(shape: batch, strides: Array(input.strides.prefix(r - 2)), offset: 0)
    let x = input.pointer(as: F.Input.self)
    let y = out.pointer(as: F.Output.self)
    let tile = 32
    for (yb, xb) in Swift.zip(yBatches, xBatches) {
      for i0 in stride(from: 0, to: rows, by: tile) {
        for j0 in stride(from: 0, to: columns, by: tile) {
          for i in i0..<Swift.min(i0 + tile, rows) {
            let (yp, xp) = (y + yb + i * yRow, x + xb + i * xRow)
            for j in j0..<Swift.min(j0 + tile, columns) { yp[j] = F.Output(compute: f(xp[j * xColumn].compute)) }
          }
        }
      }
    }
  }

  /// A plain copy (same element type) of a transposed pair (``isTransposedPair(_:_:)``) in
  /// register blocks (`kindling_transpose_copy`), split across cores in bands of 64 rows above
  /// ``StridedLoop/parallelGrain`` elements. Returns false, copying nothing, unless elements are
  /// 4 or 8 bytes; ``mapTiled(_:into:_:)`` copies the others. A 1024×1024 float32 transpose:
  /// 3.5 ms through ``mapTiled(_:into:_:)``, 0.4 ms here (one core).
  static func copyTransposed<T>(_ input: Tensor, into out: Tensor, as _: T.Type) -> Bool {
    let bytes = MemoryLayout<T>.stride
    guard bytes == 4 || bytes == 8 else { return false }
    let r = out.rank
    let (rows, columns) = (out.shape[r - 2], out.shape[r - 1])
    let (yRow, xColumn) = (out.strides[r - 2], input.strides[r - 1])
    let batch = Array(out.shape.prefix(r - 2))
    let yBatches = Shape.storagePositions(shape: batch, strides: Array(out.strides.prefix(r - 2)), offset: 0)
    let xBatches = Shape.storagePositions(shape: batch, strides: Array(input.strides.prefix(r - 2)), offset: 0)
    let pointers = UncheckedSendable(value: (UnsafeRawPointer(input.pointer(as: T.self)), out.pointer(as: T.self)))
    let band = 64
    let bands = (rows + band - 1) / band
    let threads = Swift.min(StridedLoop.coreCount, out.count / StridedLoop.parallelGrain)
    StridedLoop.parallelFor(yBatches.count * bands, threads: Swift.max(1, threads)) { tasks in
      let (x, y) = pointers.value
      for task in tasks {
        let i0 = (task % bands) * band
        let from = x.assumingMemoryBound(to: T.self) + xBatches[task / bands] + i0
        kindling_transpose_copy(
          from, xColumn, y + yBatches[task / bands] + i0 * yRow, yRow, Swift.min(band, rows - i0), columns, bytes)
      }
    }
    return true
  }

  /// `x[i] = f(x[i])` in blocks through a scratch buffer: writing straight back lets the
  /// compiler turn ops that often keep the value (relu) into conditional stores, which do not
  /// vectorize; computing into scratch and copying back does.
  @inline(__always)
  static func mapInPlace<F: UnaryFunction>(_ x: UnsafeMutablePointer<F.Output>, _ n: Int, _ f: F) {
    let block = 512
    withUnsafeTemporaryAllocation(of: F.Output.self, capacity: block) { scratch in
      let tmp = scratch.baseAddress!
      var start = 0
      while start < n {
        let m = Swift.min(block, n - start)
        let source = UnsafeRawPointer(x + start).assumingMemoryBound(to: F.Input.self)
        for i in 0..<m { tmp[i] = F.Output(compute: f(source[i].compute)) }
        (x + start).update(from: tmp, count: m)
        start += m
      }
    }
  }

  /// `out[i] = f(a[i], b[i])`.
  static func zip<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, into out: Tensor, _ f: F) {
    if out.device != .cpu { return DeviceRegistry.run(.zip(f.deviceFunction, a, b, output: out), on: out.device) }
    let pa = a.pointer(as: F.A.self)
    let pb = b.pointer(as: F.B.self)
    let y = out.pointer(as: F.Output.self)
    // All dense (the common case), checked first.
    if out.isContiguous && a.isContiguous && b.isContiguous && Shape.equal(a.shape, out.shape)
      && Shape.equal(b.shape, out.shape)
    {
      if let kernel = f.vectorKernel {
        StridedLoop.runContiguous(count: out.count) { start, n in
          kernel(floats(pa + start), floats(pb + start), floats(y + start), n)
        }
        return
      }
      StridedLoop.runContiguous(count: out.count) { start, n in
        let (yp, ap, bp) = (y + start, pa + start, pb + start)
        if UnsafeRawPointer(yp) == UnsafeRawPointer(ap) {
          for i in 0..<n {
            yp[i] = F.Output(compute: f(UnsafeRawPointer(yp + i).load(as: F.A.self).compute, bp[i].compute))
          }
        } else {
          for i in 0..<n { yp[i] = F.Output(compute: f(ap[i].compute, bp[i].compute)) }
        }
      }
      return
    }
    // A dense operand with a broadcast single value (a gradient expanded from a scalar, `x * 2`):
    // no index math either.
    if out.isContiguous && a.isContiguous && Shape.equal(a.shape, out.shape) && b.strides.allSatisfy({ $0 == 0 }) {
      let value = pb[0].compute
      StridedLoop.runContiguous(count: out.count) { start, n in
        let (yp, ap) = (y + start, pa + start)
        for i in 0..<n { yp[i] = F.Output(compute: f(ap[i].compute, value)) }
      }
      return
    }
    if out.isContiguous && b.isContiguous && Shape.equal(b.shape, out.shape) && a.strides.allSatisfy({ $0 == 0 }) {
      let value = pa[0].compute
      StridedLoop.runContiguous(count: out.count) { start, n in
        let (yp, bp) = (y + start, pb + start)
        for i in 0..<n { yp[i] = F.Output(compute: f(value, bp[i].compute)) }
      }
      return
    }
    StridedLoop(shape: out.shape, strides: [out.strides, a.strides, b.strides]).run { offsets, n, steps in
      let (yo, ao, bo) = (offsets[0], offsets[1], offsets[2])
      let (ys, as_, bs) = (steps[0], steps[1], steps[2])
      if ys == 1 && as_ == 1 && bs == 1 {
        let (yp, ap, bp) = (y + yo, pa + ao, pb + bo)
        if let kernel = f.vectorKernel {
          kernel(floats(ap), floats(bp), floats(yp), n)
        } else if UnsafeRawPointer(yp) == UnsafeRawPointer(ap) {
          // In place (`a += b`): one pointer read and written, so the loop still vectorizes.
          for i in 0..<n {
            yp[i] = F.Output(compute: f(UnsafeRawPointer(yp + i).load(as: F.A.self).compute, bp[i].compute))
          }
        } else {
          for i in 0..<n { yp[i] = F.Output(compute: f(ap[i].compute, bp[i].compute)) }
        }
      } else if ys == 1 && as_ == 1 && bs == 0 {
        let (yp, ap, bv) = (y + yo, pa + ao, pb[bo].compute)
        for i in 0..<n { yp[i] = F.Output(compute: f(ap[i].compute, bv)) }
      } else if ys == 1 && as_ == 0 && bs == 1 {
        let (yp, av, bp) = (y + yo, pa[ao].compute, pb + bo)
        for i in 0..<n { yp[i] = F.Output(compute: f(av, bp[i].compute)) }
      } else {
        for i in 0..<n { y[yo + i * ys] = F.Output(compute: f(pa[ao + i * as_].compute, pb[bo + i * bs].compute)) }
      }
    }
  }

  /// `out[i] = f(input[i])` with a closure; see ``map(_:into:_:)``.
  static func map<I: TensorScalar, O: TensorScalar>(
    _ input: Tensor, as _: I.Type, into out: Tensor, as _: O.Type, _ f: (I.Compute) -> O.Compute
  ) {
    withoutActuallyEscaping(f) { f in map(input, into: out, UnaryClosure<I, O>(body: f)) }
  }

  /// `out[i] = f(a[i], b[i])` with a closure; see ``zip(_:_:into:_:)``.
  static func zip<A: TensorScalar, B: TensorScalar, O: TensorScalar>(
    _ a: Tensor, as _: A.Type, _ b: Tensor, as _: B.Type, into out: Tensor, as _: O.Type,
    _ f: (A.Compute, B.Compute) -> O.Compute
  ) {
    withoutActuallyEscaping(f) { f in zip(a, b, into: out, BinaryClosure<A, B, O>(body: f)) }
  }

  /// `out[i] = f(a[i], b[i], c[i])`, for `where`, `lerp`, `clamp` with tensor bounds.
  static func zip3<A: TensorScalar, B: TensorScalar, C: TensorScalar, O: TensorScalar>(
    _ a: Tensor, as _: A.Type, _ b: Tensor, as _: B.Type, _ c: Tensor, as _: C.Type, into out: Tensor,
    as _: O.Type, _ f: (A.Compute, B.Compute, C.Compute) -> O.Compute
  ) {
    let pa = a.pointer(as: A.self)
    let pb = b.pointer(as: B.self)
    let pc = c.pointer(as: C.self)
    let y = out.pointer(as: O.self)
    StridedLoop(shape: out.shape, strides: [out.strides, a.strides, b.strides, c.strides]).run { o, n, s in
      for i in 0..<n {
        y[o[0] + i * s[0]] = O(
          compute: f(pa[o[1] + i * s[1]].compute, pb[o[2] + i * s[2]].compute, pc[o[3] + i * s[3]].compute))
      }
    }
  }
}
