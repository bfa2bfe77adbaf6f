import KindlingTensor

/// PyTorch's `torch.linalg` for Kindling tensors: solves, inverses, determinants and
/// decompositions on LAPACK (through LAPACKE), differentiable through KindlingAutograd.
///
/// Every function takes a matrix or a batch of matrices (`[..., m, n]`, float32 or float64) and
/// follows `torch.linalg`'s names, shapes and conventions:
///
/// ```swift
/// let a = Tensor([[4.0, 1.0], [1.0, 3.0]], dtype: .float64)
/// let x = try Linalg.solve(a, Tensor([[1.0], [2.0]], dtype: .float64))   // [2, 1]
/// ```
///
/// Misuse (a wrong rank, shape or dtype) stops with a message that names the function, as
/// PyTorch's does; what depends on the values (a singular matrix, a matrix that is not
/// positive-definite) throws a ``LinalgError``.
public enum Linalg {}
