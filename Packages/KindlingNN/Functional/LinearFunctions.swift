/// A linear map `input · weightᵀ + bias` (PyTorch's `F.linear`).
///
/// - Parameters:
///   - input: `[*, inFeatures]`.
///   - weight: `[outFeatures, inFeatures]`.
///   - bias: `[outFeatures]`, optional.
/// - Returns: `[*, outFeatures]`. A 2-d input with a bias is one BLAS call (`addmm`).
///
/// ```swift
/// let y = linear(Tensor.ones([2, 3]), weight: Tensor.ones([4, 3]), bias: Tensor.zeros([4]))   // [2, 4] of 3s
/// ```
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
  precondition(weight.rank == 2, "linear: weight must be 2-D [out_features, in_features], but got \(weight.shape)")
  precondition(
    input.rank >= 1 && input.shape.last == weight.shape[1],
    "linear: mat1 and mat2 shapes cannot be multiplied (\(input.shape.dropLast().reduce(1, *))x\(input.shape.last ?? 0) and \(weight.shape[1])x\(weight.shape[0]))"
  )
  if input.rank == 2, let bias { return bias.addmm(input, weight.t()) }
  let product = input.matmul(weight.t())
  return bias.map { product + $0 } ?? product
}

/// A bilinear map `y[n, o] = Σᵢⱼ input1[n, i] · weight[o, i, j] · input2[n, j] + bias[o]`
/// (PyTorch's `F.bilinear`).
///
/// - Parameters:
///   - input1: `[*, in1Features]`; input2: `[*, in2Features]` with the same leading shape.
///   - weight: `[outFeatures, in1Features, in2Features]`; bias: `[outFeatures]`, optional.
/// - Returns: `[*, outFeatures]`.
///
/// ```swift
/// let y = bilinear(Tensor.ones([5, 2]), Tensor.ones([5, 3]), weight: Tensor.ones([4, 2, 3]))   // [5, 4] of 6s
/// ```
public func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
  precondition(weight.rank == 3, "bilinear(): weight must be 3-dimensional, but got \(weight.rank) dimensions")
  let (outFeatures, in1, in2) = (weight.shape[0], weight.shape[1], weight.shape[2])
  precondition(
    input1.shape.dropLast() == input2.shape.dropLast(),
    "bilinear(): input batch dimensions do not match: got \(input1.shape.dropLast()) and \(input2.shape.dropLast())")
  precondition(
    input1.shape.last == in1, "bilinear(): input1 size does not match weight size: got \(input1.shape.last ?? 0) but expected \(in1)")
  precondition(
    input2.shape.last == in2, "bilinear(): input2 size does not match weight size: got \(input2.shape.last ?? 0) but expected \(in2)")
  let leading = Array(input1.shape.dropLast())
  let x1 = input1.reshape([-1, in1]), x2 = input2.reshape([-1, in2])
  // x1 · W viewed as [in1, out·in2], then contract the in2 axis with x2.
  let mixed = x1.matmul(weight.permute([1, 0, 2]).reshape([in1, outFeatures * in2]))
  var output = (mixed.view([-1, outFeatures, in2]) * x2.unsqueeze(1)).sum(dim: -1)
  if let bias { output = output + bias }
  return output.reshape(leading + [outFeatures])
}
