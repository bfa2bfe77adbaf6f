import CKindlingVector

// threshold_backward: the gradient of relu/threshold in one fused pass.

/// `grad` where `input > threshold`, else 0 (NaN inputs pass the gradient), as one element
/// function so the pass vectorizes.
struct ThresholdBackwardOp<T: TensorScalar>: BinaryFunction where T.Compute: FloatComputeScalar {
  typealias A = T
  typealias B = T
  typealias Output = T
  let threshold: T.Compute
  @inline(__always) func callAsFunction(_ grad: T.Compute, _ input: T.Compute) -> T.Compute {
    input <= threshold ? 0 : grad
  }
  /// relu's case (threshold 0) on float32: the C loop.
  var vectorKernel: VectorBinaryKernel? { T.self == Float.self && threshold == 0 ? kindling_relu_backward_f32 : nil }
}

struct ThresholdBackwardKernel: FloatVisitor {
  let grad: Tensor, input: Tensor, out: Tensor, threshold: Double
  func visit<T: TensorScalar>(_: T.Type) where T.Compute: FloatComputeScalar {
    Elementwise.zip(grad, input, into: out, ThresholdBackwardOp<T>(threshold: T.Compute(threshold)))
  }
}

extension Tensor {
  /// The gradient of `relu`/`threshold` (`torch.ops.aten.threshold_backward`): `grad` where
  /// `input > threshold`, else 0. `input` may be the op's input or, for relu with threshold 0,
  /// its output. Same-shape, same-dtype floating-point CPU operands take one fused pass; anything
  /// else computes `where(input <= threshold, 0, grad)` in the promoted dtype. Records `ThresholdBackwardBackward0`, so
  /// double backward works.
  ///
  /// ```swift
  /// Tensor.thresholdBackward(Tensor([1.0, 2.0]), Tensor([-1.0, 3.0]), threshold: 0)   // tensor([0., 2.])
  /// ```
  public static func thresholdBackward(_ grad: Tensor, _ input: Tensor, threshold: Double) -> Tensor {
    guard
      grad.dtype == input.dtype, grad.dtype == .float32 || grad.dtype == .float64, grad.shape == input.shape,
      grad.device == .cpu, input.device == .cpu
    else {
      return Tensor.where(input .<= threshold, 0.0, grad.to(resultType([grad, input])))
    }
    let out = Tensor(uninitializedShape: grad.shape, dtype: grad.dtype)
    grad.dtype.dispatchFloat(
      ThresholdBackwardKernel(grad: grad, input: input, out: out, threshold: threshold), op: "threshold_backward")
    return record(out, "ThresholdBackwardBackward0", grad, input, ["threshold": threshold])
  }
}
