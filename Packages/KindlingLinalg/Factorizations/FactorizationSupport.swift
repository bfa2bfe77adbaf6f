import KindlingTensor

// Shape and batching helpers shared by the LU, Cholesky and triangular families.

extension Linalg {
  /// The batch dimensions of a (batch of) matrix: all but the last two.
  static func batchShape(_ t: Tensor) -> [Int] { Array(t.shape.dropLast(2)) }

  /// The broadcast of two batch shapes; stops with PyTorch's message (which names no function).
  static func broadcastBatch(_ a: [Int], _ b: [Int]) -> [Int] {
    do {
      return try Shape.broadcast(a, b)
    } catch {
      preconditionFailure("\(error)")
    }
  }

  /// LAPACK's per-matrix `info` codes as PyTorch's int32 tensor of batch shape.
  static func infoTensor(_ info: [Int32], batch: [Int]) -> Tensor {
    let t = Tensor(uninitializedShape: batch, dtype: .int32)
    let p = t.linalgPointer(as: Int32.self)
    for (i, v) in info.enumerated() { p[i] = v }
    return t
  }

  /// The first matrix whose `info` is positive: its flattened batch index (`nil` when the input
  /// was a single matrix) and the code.
  static func firstFailure(_ info: [Int32], batched: Bool) -> (batch: Int?, code: Int)? {
    guard let i = info.firstIndex(where: { $0 > 0 }) else { return nil }
    return (batched ? i : nil, Int(info[i]))
  }

  /// A recorded node's output for use inside its own backward: the saved value, connected back
  /// to the node while the backward is itself recorded (`createGraph`), so gradients of
  /// gradients that go through the output reach the inputs.
  static func connectedOutput(_ node: GraphNode) -> Tensor {
    let saved = node.savedOutputChecked()
    guard GradMode.isEnabled else { return saved }
    let connected = saved.detach()
    connected.gradFn = node
    return connected
  }

  /// The right-hand side in the layout `?getrs`/`?potrs`/`?trtrs` solve in place: for `left`
  /// (`A X = B`) a column-major copy of `B` (`[..., k, n]` holding `n`×`k`); for `XA = B`, solved as
  /// `Aᵀ Xᵀ = Bᵀ`, a row-major copy of `B` (which is `Bᵀ` column-major). ``solution(_:left:)``
  /// reads `X` back.
  static func rightHandSide(_ b: Tensor, left: Bool) -> Tensor {
    left ? b.columnMajorCopy() : (b.isContiguous ? b.clone() : b.contiguous())
  }

  /// `X` from a right-hand side that ``rightHandSide(_:left:)`` made and a solver overwrote.
  static func solution(_ rhs: Tensor, left: Bool) -> Tensor { left ? rhs.mT : rhs }

  /// The message PyTorch gives when `B`'s shape does not fit `A` (`n`×`n`).
  static func incompatibleShapes(_ op: String, n: Int, b: Tensor, left: Bool) -> String {
    let rows = b.shape[b.rank - 2]
    let columns = b.shape[b.rank - 1]
    return "\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(n)x\(n) and "
      + "\(rows)x\(columns))"
  }

  /// Whether `b` fits `A` (`n`×`n`) on the side `left` names.
  static func fits(_ b: Tensor, n: Int, left: Bool) -> Bool {
    left ? b.shape[b.rank - 2] == n : b.shape[b.rank - 1] == n
  }
}
