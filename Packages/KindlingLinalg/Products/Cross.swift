import KindlingTensor

extension Linalg {
  /// The cross product of 3-vectors along `dim` (`torch.linalg.cross`).
  ///
  /// `a` and `b` have the same rank and size 3 along `dim`; the other dimensions broadcast, and
  /// the result has the broadcast shape. Same dtype for both. Differentiable in both
  /// (`LinalgCrossBackward0`: `gA = b × g`, `gB = g × a`), twice too.
  ///
  /// ```swift
  /// let x = Tensor([1.0, 0.0, 0.0])
  /// let y = Tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
  /// Linalg.cross(x, y)   // [[0, 0, 1], [0, -1, 0]]
  /// ```
  public static func cross(_ a: Tensor, _ b: Tensor, dim: Int = -1) -> Tensor {
    let op = "linalg.cross"
    precondition(a.rank == b.rank, "\(op): inputs must have the same number of dimensions.")
    precondition(
      a.dtype == b.dtype, "expected scalar type \(a.dtype.pytorchTitle) but found \(b.dtype.pytorchTitle)")
    let d = wrappedDim(dim, rank: a.rank)
    precondition(
      a.rank > 0 && a.shape[d] == 3 && b.shape[d] == 3,
      "\(op): inputs dimension \(dim) must have length 3. Got \(a.rank > 0 ? a.shape[d] : 1) and "
        + "\(b.rank > 0 ? b.shape[d] : 1)")
    let shape: [Int]
    do {
      shape = try Shape.broadcast(a.shape, b.shape)
    } catch {
      preconditionFailure("\(error)")
    }
    // Expanding first lets the recorded node work on equal shapes; expand's own backward sums
    // the gradients back to the broadcast inputs.
    let left = a.shape == shape ? a : a.expand(shape)
    let right = b.shape == shape ? b : b.expand(shape)
    let value = noGrad { crossProduct(left.detach(), right.detach(), dim: d) }
    return record("LinalgCrossBackward0", inputs: [left, right], outputs: [value]) { grads, node in
      [
        node.hasEdge(0) ? cross(node.savedInput(1), grads[0], dim: d) : nil,
        node.hasEdge(1) ? cross(grads[0], node.savedInput(0), dim: d) : nil,
      ]
    }[0]
  }

  /// `a × b` along `dim` for equal shapes: `aᵢ₊₁ bᵢ₊₂ − aᵢ₊₂ bᵢ₊₁`, indices mod 3.
  private static func crossProduct(_ a: Tensor, _ b: Tensor, dim: Int) -> Tensor {
    let next = Tensor([1, 2, 0], dtype: .int64)
    let afterNext = Tensor([2, 0, 1], dtype: .int64)
    return a.indexSelect(dim: dim, index: next) * b.indexSelect(dim: dim, index: afterNext)
      - a.indexSelect(dim: dim, index: afterNext) * b.indexSelect(dim: dim, index: next)
  }
}
