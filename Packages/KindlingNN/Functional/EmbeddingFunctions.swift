/// Looks up rows of `weight` by index (`F.embedding`): `output[i…] = weight[input[i…]]`.
///
/// The gradient (`EmbeddingBackward0`) adds each output row's gradient into the row it came
/// from (`index_add`), and gives the row `paddingIdx` zero gradient. It is built from public
/// tensor ops, so double backward works.
///
/// - Parameters:
///   - input: integer indices of any shape, each in `0..<numEmbeddings`.
///   - weight: `[numEmbeddings, embeddingDim]`.
///   - paddingIdx: a row that receives no gradient; negative counts from the end.
/// - Returns: `input.shape + [embeddingDim]`.
///
/// ```swift
/// let table = Tensor.randn([10, 3])
/// let rows = embedding(Tensor([[1, 2], [4, 9]]), weight: table)   // [2, 2, 3]
/// ```
public func embedding(_ input: Tensor, weight: Tensor, paddingIdx: Int? = nil) -> Tensor {
  precondition(weight.rank == 2, "embedding: 'weight' must be 2-D, but got \(weight.shape)")
  precondition(
    input.dtype == .int64 || input.dtype == .int32,
    "embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead (while checking arguments for embedding)"
  )
  let (rows, dim) = (weight.shape[0], weight.shape[1])
  let padding = paddingIdx.map { $0 < 0 ? $0 + rows : $0 }
  if let padding {
    precondition(padding >= 0 && padding < rows, "embedding: Padding_idx must be within num_embeddings")
  }
  let flat = input.reshape([-1])
  let indices = flat.scalars(as: Int64.self)
  if let bad = indices.first(where: { $0 < 0 || $0 >= Int64(rows) }) {
    preconditionFailure("embedding: index out of range in self (index \(bad) for a weight with \(rows) rows)")
  }
  let output = noGrad { weight.indexSelect(dim: 0, index: flat).reshape(input.shape + [dim]) }
  guard GradMode.isEnabled, weight.requiresGrad else { return output }
  output.gradFn = GraphNode(name: "EmbeddingBackward0", inputs: [weight], output: output) { grad, node in
    let rowsGrad = grad.reshape([-1, dim])
    var weightGrad = Tensor.zeros([rows, dim], dtype: grad.dtype, device: grad.device).indexAdd(dim: 0, index: flat, source: rowsGrad)
    if let padding {
      var keep = [Double](repeating: 1, count: rows)
      keep[padding] = 0
      weightGrad = weightGrad * Tensor(scalars: keep, shape: [rows, 1]).to(grad.dtype)
    }
    return [weightGrad]
  }
  return output
}
