/// A linear-algebra failure that depends on the values of the input, not on its shape: the
/// matrix is singular, not positive-definite, or an iterative routine did not converge.
///
/// Its `description` is PyTorch's message for the same failure. The `…Ex` variants of the
/// functions return LAPACK's `info` code instead of throwing (`torch.linalg.inv_ex`).
///
/// ```swift
/// do { _ = try Linalg.inv(Tensor.zeros([2, 2])) }
/// catch let error { print(error) }
/// // linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because
/// // the input matrix is singular.
/// ```
public enum LinalgError: Error, Equatable, CustomStringConvertible {
  /// LU factorization found a zero pivot: `element` is the 1-based diagonal element, `batch` the
  /// matrix's index in the flattened batch (`nil` for a single matrix).
  case singular(function: String, element: Int, batch: Int?)
  /// Cholesky failed: the leading minor of `order` (1-based) is not positive-definite.
  case notPositiveDefinite(function: String, order: Int, batch: Int?)
  /// An iterative algorithm (SVD, eigendecomposition) did not converge; `info` is LAPACK's code.
  case didNotConverge(function: String, info: Int, batch: Int?)
  /// Any other LAPACK failure, with the routine and its `info` code.
  case lapackFailure(function: String, routine: String, info: Int)
  /// `torch.linalg.solve` found a singular matrix (its message names no element).
  case singularSolve(function: String, batch: Int?)
  /// `torch.linalg.lu_factor` found `U[element, element]` (1-based) exactly zero.
  case zeroPivot(function: String, element: Int, batch: Int?)
  /// An SVD-based function met a NaN in its input (LAPACK's `?gesdd` refuses it).
  case nonFiniteInput(function: String, batch: Int?)
  /// `torch.linalg.lstsq`'s driver failed: `gels` found a matrix without full rank, or the SVD of
  /// `gelsd`/`gelss` did not converge; `info` is LAPACK's code.
  case notFullRank(function: String, info: Int, batch: Int?)

  public var description: String {
    switch self {
    case .singular(let function, let element, let batch):
      return "\(function): \(prefix(batch))The diagonal element \(element) is zero, the inversion could not be "
        + "completed because the input matrix is singular."
    case .notPositiveDefinite(let function, let order, let batch):
      return "\(function): \(prefix(batch))The factorization could not be completed because the input is not "
        + "positive-definite (the leading minor of order \(order) is not positive-definite)."
    case .didNotConverge(let function, let info, let batch):
      // PyTorch names eigenvalues for its eigendecompositions, singular values otherwise.
      let values = function.contains("eig") ? "eigenvalues" : "singular values"
      return "\(function): \(prefix(batch))The algorithm failed to converge because the input matrix is "
        + "ill-conditioned or has too many repeated \(values) (error code: \(info))."
    case .lapackFailure(let function, let routine, let info):
      return "\(function): LAPACK's \(routine) failed with info = \(info)."
    case .singularSolve(let function, let batch):
      return "\(function): \(prefix(batch))The solver failed because the input matrix is singular."
    case .zeroPivot(let function, let element, let batch):
      return "\(function): \(prefix(batch))U[\(element),\(element)] is zero and using it on lu_solve would result in a "
        + "division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
        + "linalg.lu_factor_ex(A, pivot)"
    case .nonFiniteInput(let function, let batch):
      return "\(function): \(prefix(batch))The algorithm failed to converge because the input matrix contained "
        + "non-finite values."
    case .notFullRank(let function, let info, let batch):
      return "\(function): \(prefix(batch))The least squares solution could not be computed because the input matrix "
        + "does not have full rank (error code: \(info))."
    }
  }

  /// PyTorch's "(Batch element 3): " prefix for batched inputs.
  private func prefix(_ batch: Int?) -> String { batch.map { "(Batch element \($0)): " } ?? "" }
}
