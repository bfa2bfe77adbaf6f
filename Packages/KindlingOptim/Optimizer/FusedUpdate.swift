import KindlingTensor

/// The contiguous memory one parameter's update reads and writes: the parameter, its gradient and
/// up to three state buffers, all `count` elements long.
struct UpdateOperands<T: UpdateScalar> {
  let param: UnsafeMutablePointer<T>
  let grad: UnsafePointer<T>
  let buffers: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?)
  let count: Int
}

/// An optimizer's per-element update rule, run by ``applyUpdate(_:param:grad:buffers:op:)`` in one
/// pass over contiguous memory (no temporaries).
///
/// The rule performs PyTorch's single-tensor sequence of ops element by element, in the same order
/// and precision: scalar hyperparameters are converted to the parameter's type as PyTorch converts
/// a Python number for a tensor op, and the ops PyTorch's CPU kernels compute with a fused
/// multiply-add (`add(_, alpha:)`, `addcmul`, `lerp`) use ``UpdateScalar/fma(_:_:_:)``.
protocol FusedUpdate {
  func run<T: UpdateScalar>(_ operands: UpdateOperands<T>)
  /// The same update written with tensor ops, for parameters on a device (GPU kernels run
  /// each op); `nil` when the optimizer has no such form yet.
  func tensorOps(param: Tensor, grad: Tensor, buffers: [Tensor]) -> Void?
}

extension FusedUpdate {
  func tensorOps(param: Tensor, grad: Tensor, buffers: [Tensor]) -> Void? { nil }
}

/// The element types optimizers update, with the fused multiply-add PyTorch's CPU kernels use.
protocol UpdateScalar: BinaryFloatingPoint {
  /// `a * b + c`, rounded once for float32 (as PyTorch's vectorized `fmadd`).
  static func fma(_ a: Self, _ b: Self, _ c: Self) -> Self
}

extension Float: UpdateScalar {
  /// Exact product in Double, one rounding of the sum to Double, then to Float: equals a true fused
  /// multiply-add except in a 2⁻²⁹-rare double-rounding case, and vectorizes without FMA hardware.
  @inline(__always)
  static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float { Float(Double(a) * Double(b) + Double(c)) }
}

extension Double: UpdateScalar {
  /// Unfused in float64, where the difference from a fused result is far below any tolerance and a
  /// call to libm's `fma` per element would be slow on a baseline x86-64 target.
  @inline(__always)
  static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double { a * b + c }
}

/// Runs `update` over `param` (float32 or float64, on the CPU), its gradient and the state
/// `buffers` (made by the optimizer: contiguous, same dtype and shape as `param`).
///
/// A non-contiguous parameter is updated through a contiguous copy written back afterwards; a
/// non-contiguous gradient is read through a contiguous copy.
func applyUpdate<U: FusedUpdate>(_ update: U, param: Tensor, grad: Tensor, buffers: [Tensor], op: String) {
  precondition(
    grad.shape == param.shape, "\(op): the gradient's shape \(grad.shape) differs from the parameter's \(param.shape)")
  if param.device != .cpu {
    let done = noGrad { update.tensorOps(param: param, grad: grad, buffers: buffers) }
    precondition(
      done != nil, "\(op): parameters on \(param.device) are not supported yet; keep this optimizer's model on the CPU")
    return
  }
  precondition(buffers.count <= 3, "\(op): at most three state buffers")
  let work = param.isContiguous ? param : param.clone()
  let gradient = (grad.dtype == param.dtype ? grad : grad.to(param.dtype)).contiguous()
  switch param.dtype {
  case .float32: run(update, Float.self, work, gradient, buffers)
  case .float64: run(update, Double.self, work, gradient, buffers)
  default: preconditionFailure("\(op): parameters of dtype \(param.dtype) are not supported; use float32 or float64")
  }
  if work !== param { _ = param.copy_(work) }
}

private func run<U: FusedUpdate, T: UpdateScalar>(
  _ update: U, _: T.Type, _ param: Tensor, _ grad: Tensor, _ buffers: [Tensor]
) {
  func address(_ tensor: Tensor) -> UnsafeMutablePointer<T> { tensor.storage.pointer(as: T.self) + tensor.storageOffset }
  func buffer(_ i: Int) -> UnsafeMutablePointer<T>? { i < buffers.count ? address(buffers[i]) : nil }
  update.run(
    UpdateOperands(
      param: address(param), grad: UnsafePointer(address(grad)), buffers: (buffer(0), buffer(1), buffer(2)),
      count: param.count))
}

/// PyTorch's `lerp` of one element: `start + weight * (end - start)`, computed from the nearer end
/// with a fused multiply-add.
@inline(__always)
func lerp<T: UpdateScalar>(_ start: T, _ end: T, _ weight: T) -> T {
  abs(weight) < 0.5 ? T.fma(weight, end - start, start) : T.fma(-(end - start), 1 - weight, end)
}
