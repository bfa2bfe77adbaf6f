/// The elementwise kernels: one input or two, any strides (broadcast inputs carry stride 0),
/// written once over the element types and specialized by the compiler for each.
///
/// Inputs must already have the output's shape (broadcast views) and the element types the
/// caller names; the output is written through its own strides, so in-place ops pass a view.
enum Elementwise {
  /// `out[i] = f(input[i])`.
  @inlinable
  static func map<I: TensorScalar, O: TensorScalar>(
    _ input: Tensor, as _: I.Type, into out: Tensor, as _: O.Type, _ f: (I.Compute) -> O.Compute
  ) {
    let x = input.pointer(as: I.self)
    let y = out.pointer(as: O.self)
    StridedLoop(shape: out.shape, strides: [out.strides, input.strides]).run { offsets, n, steps in
      let (yo, xo, ys, xs) = (offsets[0], offsets[1], steps[0], steps[1])
      if ys == 1 && xs == 1 {
        for i in 0..<n { y[yo + i] = O(compute: f(x[xo + i].compute)) }
      } else {
        for i in 0..<n { y[yo + i * ys] = O(compute: f(x[xo + i * xs].compute)) }
      }
    }
  }

  /// `out[i] = f(a[i], b[i])`.
  @inlinable
  static func zip<A: TensorScalar, B: TensorScalar, O: TensorScalar>(
    _ a: Tensor, as _: A.Type, _ b: Tensor, as _: B.Type, into out: Tensor, as _: O.Type,
    _ f: (A.Compute, B.Compute) -> O.Compute
  ) {
    let pa = a.pointer(as: A.self)
    let pb = b.pointer(as: B.self)
    let y = out.pointer(as: O.self)
    StridedLoop(shape: out.shape, strides: [out.strides, a.strides, b.strides]).run { offsets, n, steps in
      let (yo, ao, bo) = (offsets[0], offsets[1], offsets[2])
      let (ys, as_, bs) = (steps[0], steps[1], steps[2])
      if ys == 1 && as_ == 1 && bs == 1 {
        for i in 0..<n { y[yo + i] = O(compute: f(pa[ao + i].compute, pb[bo + i].compute)) }
      } else if ys == 1 && as_ == 1 && bs == 0 {
        let bv = pb[bo].compute
        for i in 0..<n { y[yo + i] = O(compute: f(pa[ao + i].compute, bv)) }
      } else if ys == 1 && as_ == 0 && bs == 1 {
        let av = pa[ao].compute
        for i in 0..<n { y[yo + i] = O(compute: f(av, pb[bo + i].compute)) }
      } else {
        for i in 0..<n { y[yo + i * ys] = O(compute: f(pa[ao + i * as_].compute, pb[bo + i * bs].compute)) }
      }
    }
  }

  /// `out[i] = f(a[i], b[i], c[i])`, for `where`, `lerp`, `clamp` with tensor bounds.
  @inlinable
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
