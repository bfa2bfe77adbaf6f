import KindlingTensor

/// The order of a matrix norm (PyTorch's `ord` of `torch.linalg.matrix_norm` and `p` of
/// `torch.linalg.cond`).
///
/// `.fro` and `.nuc` are the Frobenius and nuclear norms; `.p(x)` is PyTorch's numeric order,
/// where `x` is one of `1`, `-1`, `2`, `-2`, `.infinity` and `-.infinity` (any other value stops
/// with PyTorch's "Order … not supported."). Number literals read as `.p`, so orders are written
/// as in PyTorch:
///
/// | order            | norm                                   |
/// |------------------|----------------------------------------|
/// | `.fro`           | `sqrt(Σ aᵢⱼ²)`                           |
/// | `.nuc`           | sum of the singular values             |
/// | `2` / `-2`       | largest / smallest singular value      |
/// | `1` / `-1`       | max / min of the column sums of `abs`  |
/// | `.inf` / `.negativeInf` | max / min of the row sums of `abs` |
///
/// ```swift
/// try Linalg.matrixNorm(a, ord: 2)
/// try Linalg.matrixNorm(a, ord: .nuc)
/// try Linalg.matrixNorm(a, ord: .negativeInf)   // same as ord: .p(-.infinity)
/// ```
public enum MatrixNormOrder: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  CustomStringConvertible
{
  /// The Frobenius norm (PyTorch's `'fro'`).
  case fro
  /// The nuclear norm (PyTorch's `'nuc'`).
  case nuc
  /// A numeric order: `1`, `-1`, `2`, `-2`, `.infinity` or `-.infinity`.
  case p(Double)

  /// `.p(.infinity)`: the largest row sum of `abs(A)`.
  public static let inf = MatrixNormOrder.p(.infinity)
  /// `.p(-.infinity)`: the smallest row sum of `abs(A)`.
  public static let negativeInf = MatrixNormOrder.p(-.infinity)

  public init(integerLiteral value: Int) { self = .p(Double(value)) }
  public init(floatLiteral value: Double) { self = .p(value) }

  /// The order as PyTorch prints it: `fro`, `nuc`, `2`, `-1`, `inf`, `-inf`, `2.5`.
  public var description: String {
    switch self {
    case .fro: return "fro"
    case .nuc: return "nuc"
    case .p(let x):
      if x.isInfinite { return x > 0 ? "inf" : "-inf" }
      if x.isNaN { return "nan" }
      if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
      return String(x)
    }
  }

  /// Whether the norm is one `torch.linalg.matrix_norm` computes.
  var isSupported: Bool {
    switch self {
    case .fro, .nuc: return true
    case .p(let x): return [1, 2, .infinity].contains(Swift.abs(x))
    }
  }

  /// Whether the norm is computed from the singular values (`.nuc`, `2`, `-2`).
  var usesSingularValues: Bool {
    switch self {
    case .fro: return false
    case .nuc: return true
    case .p(let x): return Swift.abs(x) == 2
    }
  }
}

extension Linalg {
  /// A matrix norm of a (batch of) matrix (`torch.linalg.matrix_norm`).
  ///
  /// `dim` names the two dimensions that hold the matrices (rows, columns; negative counts from
  /// the end); the others are batch dimensions. The result has the batch shape, or `A`'s rank with
  /// size-1 matrix dimensions when `keepDim`. See ``MatrixNormOrder`` for the orders; `2`, `-2` and
  /// `.nuc` run an SVD (``svdvals(_:)``). Differentiable, as the composition of differentiable
  /// ops (`LinalgVectorNormBackward0`, `AmaxBackward0`, `LinalgSvdBackward0`, …); the gradients of
  /// `2`/`-2` at tied singular values and of `1`/`inf` at tied sums are split between the ties as
  /// in PyTorch.
  ///
  /// ```swift
  /// let a = Tensor([[1.0, -2.0], [3.0, 4.0]], dtype: .float64)
  /// try Linalg.matrixNorm(a)              // 5.4772 (Frobenius)
  /// try Linalg.matrixNorm(a, ord: 1)      // 6 (largest column sum)
  /// try Linalg.matrixNorm(a, ord: .inf)   // 7 (largest row sum)
  /// try Linalg.matrixNorm(Tensor.zeros([2, 3, 4]), ord: 2, dim: (0, 2), keepDim: true)   // [1, 3, 1]
  /// ```
  /// - Throws: for `2`, `-2` and `.nuc`, ``svdvals(_:)``'s errors (a NaN in `A`).
  public static func matrixNorm(
    _ a: Tensor, ord: MatrixNormOrder = .fro, dim: (Int, Int) = (-2, -1), keepDim: Bool = false
  ) throws(LinalgError) -> Tensor {
    let op = "linalg.matrix_norm"
    MatrixChecks.matrix(a, op: op)
    let rows = normalizedDim(dim.0, rank: a.rank)
    let columns = normalizedDim(dim.1, rank: a.rank)
    precondition(rows != columns, "\(op): dims must be different. Got (\(dim.0), \(dim.1))")
    precondition(ord.isSupported, "\(op): Order \(ord) not supported.")
    switch ord {
    case .fro:
      return a.norm(p: 2, dims: [rows, columns], keepDim: keepDim)
    case .nuc, .p:
      if ord.usesSingularValues {
        return try singularValueNorm(a, ord: ord, rows: rows, columns: columns, keepDim: keepDim)
      }
      guard case .p(let p) = ord else { preconditionFailure("\(op): Order \(ord) not supported.") }
      // 1: sum over the rows, extreme over the columns; inf: the same on the transposed matrix.
      let (summed, reduced) = p.isInfinite ? (columns, rows) : (rows, columns)
      let sums = a.norm(p: 1, dim: summed, keepDim: keepDim)
      // Without keepDim the sum removed a dimension, shifting a later one down.
      let extreme = !keepDim && summed < reduced ? reduced - 1 : reduced
      return p > 0 ? sums.amax(dim: extreme, keepDim: keepDim) : sums.amin(dim: extreme, keepDim: keepDim)
    }
  }

  /// The `.nuc`, `2` and `-2` norms: the singular values of `A` with the matrix dimensions moved
  /// last, summed or reduced to their extreme.
  static func singularValueNorm(
    _ a: Tensor, ord: MatrixNormOrder, rows: Int, columns: Int, keepDim: Bool
  ) throws(LinalgError) -> Tensor {
    let others = (0..<a.rank).filter { $0 != rows && $0 != columns }
    let s = try svdvals(a.permute(others + [rows, columns]))
    var result: Tensor
    if s.shape[s.rank - 1] == 0 {
      result = Tensor.zeros(Array(s.shape.dropLast()), dtype: a.dtype)
    } else if ord == .nuc {
      result = s.sum(dim: -1)
    } else if case .p(let p) = ord, p > 0 {
      result = s.amax(dim: -1)
    } else {
      result = s.amin(dim: -1)
    }
    if keepDim {
      result = result.unsqueeze(Swift.min(rows, columns)).unsqueeze(Swift.max(rows, columns))
    }
    return result
  }

  /// `dim` in `0 ..< rank`; stops with PyTorch's message when out of range.
  static func normalizedDim(_ dim: Int, rank: Int) -> Int {
    do {
      return try Shape.normalize(dimension: dim, rank: rank)
    } catch {
      preconditionFailure("\(error)")
    }
  }
}
