import KindlingStorage
import RealModule

// softmax and logSoftmax along one dimension, computed stably (the maximum subtracted first).

extension Tensor {
  /// `exp(x) / Σ exp(x)` along `dim` (`softmax`): each line along `dim` becomes positive and
  /// sums to 1. Needs a floating-point tensor, or a floating-point `dtype` to convert to.
  ///
  /// ```swift
  /// Tensor([[1.0, 2.0, 3.0]]).softmax(dim: -1)   // tensor([[0.0900, 0.2447, 0.6652]])
  /// ```
  public func softmax(dim: Int, dtype: DType? = nil) -> Tensor {
    let d = normalizedDim(dim, op: "softmax")
    let out = softmax(log: false, dim: d, dtype: dtype)
    return record(out, "SoftmaxBackward0", self, ["dim": d])
  }

  /// `x - log Σ exp(x)` along `dim` (`log_softmax`), more accurate than `softmax(dim:).log()`.
  ///
  /// ```swift
  /// Tensor([0.0, 0.0]).logSoftmax(dim: 0)   // tensor([-0.6931, -0.6931])
  /// ```
  public func logSoftmax(dim: Int, dtype: DType? = nil) -> Tensor {
    let d = normalizedDim(dim, op: "log_softmax")
    let out = softmax(log: true, dim: d, dtype: dtype)
    return record(out, "LogSoftmaxBackward0", self, ["dim": d])
  }

  private func softmax(log: Bool, dim: Int, dtype: DType?) -> Tensor {
    let input = converted(to: dtype ?? self.dtype)
    let kernel = "\(log ? "log_softmax" : "softmax")_\(dim == rank - 1 ? "lastdim_" : "")kernel_impl"
    precondition(input.dtype.isFloatingPoint, "\"\(kernel)\" not implemented for '\(input.dtype.pytorchTitle)'")
    if device != .cpu { return input.composedSoftmax(log: log, dim: dim) }
    let out = Tensor(uninitializedShape: shape, dtype: input.dtype, device: device)
    input.dtype.dispatchFloat(SoftmaxKernel(log: log, input: input, out: out, dim: dim), op: kernel)
    return out
  }
}

extension Tensor {
  /// Softmax from the device's reductions and elementwise kernels, the maximum subtracted first
  /// as the CPU kernel does (the sum accumulates in double there too).
  fileprivate func composedSoftmax(log: Bool, dim: Int) -> Tensor {
    GradMode.with(enabled: false) {
      let shifted = self - amax(dim: dim, keepDim: true)
      let exponentials = shifted.exp()
      let sums = exponentials.sum(dim: dim, keepDim: true)
      return log ? shifted - sums.log() : exponentials / sums
    }
  }
}

struct SoftmaxKernel: FloatVisitor {
  let log: Bool, input: Tensor, out: Tensor, dim: Int

  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    typealias C = T.Compute
    let x = input.pointer(as: T.self), y = out.pointer(as: T.self)
    let log = log
    Reduction.forEachLine(shape: input.shape, dim: dim, strides: [input.strides, out.strides]) { o, n, s in
      let (xo, xs, yo, ys) = (o[0], s[0], o[1], s[1])
      var m = -C.infinity
      for i in 0..<n { m = Swift.max(m, x[xo + i * xs].compute) }
      var sum = 0.0
      for i in 0..<n { sum += C.exp(x[xo + i * xs].compute - m).doubleValue }
      if log {
        let logSum = C(double: Double.log(sum))
        for i in 0..<n { y[yo + i * ys] = T(compute: x[xo + i * xs].compute - m - logSum) }
      } else {
        let scale = 1 / sum
        for i in 0..<n { y[yo + i * ys] = T(compute: C(double: C.exp(x[xo + i * xs].compute - m).doubleValue * scale)) }
      }
    }
  }
}
