import KindlingAutograd

/// Cosine embedding loss (`F.cosine_embedding_loss`): with `cos` the cosine similarity of each pair
/// of rows (`x1·x2 / sqrt((|x1|² + 1e-12)(|x2|² + 1e-12))`, PyTorch's epsilon), the loss is
/// `1 - cos` where the target is 1, `max(0, cos - margin)` where it is -1, and 0 for any other
/// target value; reduced by `reduction`. Composed of public ops as in PyTorch; double backward works.
///
/// - Parameters:
///   - input1, input2: `[N, D]` with a target `[N]`, or `[D]` with a 0-d target.
///   - target: 1 (similar) or -1 (dissimilar) per pair.
///   - margin: in [-1, 1]; PyTorch suggests 0 to 0.5.
///
/// ```swift
/// cosineEmbeddingLoss(Tensor([[1.0, 0.0]]), Tensor([[0.0, 1.0]]), Tensor([1]))   // tensor(1.)
/// ```
public func cosineEmbeddingLoss(
  _ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0, reduction: Reduction = .mean
) -> Tensor {
  precondition(
    target.rank <= 1, "cosine_embedding_loss: 0D or 1D target tensor expected, multi-target not supported")
  let inputRank = target.rank + 1
  precondition(
    input1.rank == inputRank && input2.rank == inputRank,
    "cosine_embedding_loss: \(target.rank)D target tensor expects \(inputRank)D input tensors, but found inputs with "
      + "sizes \(input1.shape) and \(input2.shape).")
  let dim = target.rank
  let epsilon = 1e-12
  let dot = (input1 * input2).sum(dim: dim)
  let squaredNorms = ((input1 * input1).sum(dim: dim) + epsilon) * ((input2 * input2).sum(dim: dim) + epsilon)
  let cosine = dot / squaredNorms.sqrt()
  let zeros = Tensor.zerosLike(cosine)
  let similar = Tensor.where(target .== 1, 1 - cosine, zeros)
  let dissimilar = Tensor.where(target .== -1, (cosine - margin).clamp(min: 0), zeros)
  return reduction.apply(similar + dissimilar)
}
