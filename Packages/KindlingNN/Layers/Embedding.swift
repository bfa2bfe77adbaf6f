/// A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`nn.Embedding`): integer
/// indices of any shape in, `input.shape + [embeddingDim]` out.
///
/// `weight` is initialized N(0, 1) from the default generator, as PyTorch does, and the row
/// `paddingIdx` (if any) is zeroed and receives no gradient. `max_norm` renormalization is not
/// supported.
///
/// ```swift
/// let embed = Embedding(10, 3, paddingIdx: 0)
/// let vectors = embed(Tensor([[1, 2, 4, 5], [4, 3, 2, 9]]))   // [2, 4, 3]
/// print(embed)   // Embedding(10, 3, padding_idx=0)
/// ```
public final class Embedding: Module {
  @Parameter public var weight: Tensor
  public let numEmbeddings: Int
  public let embeddingDim: Int
  /// The row that stays as it is (zero after initialization) and gets no gradient; stored
  /// non-negative, as PyTorch does.
  public let paddingIdx: Int?

  public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, dtype: DType = .float32) {
    (self.numEmbeddings, self.embeddingDim) = (numEmbeddings, embeddingDim)
    self.paddingIdx = Embedding.normalizedPadding(paddingIdx, numEmbeddings)
    weight = Tensor.empty([numEmbeddings, embeddingDim], dtype: dtype)
    super.init()
    resetParameters()
  }

  /// An embedding holding `embeddings` (`[numEmbeddings, embeddingDim]`) as its weight, frozen
  /// (no gradient) unless `freeze` is false (`Embedding.from_pretrained`). The padding row is
  /// kept as given.
  ///
  /// ```swift
  /// let embed = Embedding.fromPretrained(Tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]]))
  /// embed(Tensor([1]))   // tensor([[4.0000, 5.1000, 6.3000]])
  /// ```
  public init(fromPretrained embeddings: Tensor, freeze: Bool = true, paddingIdx: Int? = nil) {
    precondition(embeddings.rank == 2, "Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional")
    (numEmbeddings, embeddingDim) = (embeddings.shape[0], embeddings.shape[1])
    self.paddingIdx = Embedding.normalizedPadding(paddingIdx, embeddings.shape[0])
    weight = embeddings.detach()
    super.init()
    weight.requiresGrad = !freeze
  }

  /// PyTorch's `Embedding.from_pretrained`: see ``init(fromPretrained:freeze:paddingIdx:)``.
  public static func fromPretrained(_ embeddings: Tensor, freeze: Bool = true, paddingIdx: Int? = nil) -> Embedding {
    Embedding(fromPretrained: embeddings, freeze: freeze, paddingIdx: paddingIdx)
  }

  /// Draws N(0, 1) weights and zeroes the padding row.
  public func resetParameters() {
    Init.normal_(weight)
    if let paddingIdx { noGrad { _ = weight.select(dim: 0, index: paddingIdx).fill_(0) } }
  }

  public override func forward(_ input: Tensor) -> Tensor { embedding(input, weight: weight, paddingIdx: paddingIdx) }

  public override var extraDescription: String {
    "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "")
  }

  private static func normalizedPadding(_ paddingIdx: Int?, _ numEmbeddings: Int) -> Int? {
    guard let paddingIdx else { return nil }
    precondition(
      paddingIdx < numEmbeddings && paddingIdx >= -numEmbeddings, "Embedding: Padding_idx must be within num_embeddings")
    return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx
  }
}
