/// The orthonormal factor of a QR decomposition, for ``Init/orthogonal_(_:gain:generator:)``
/// (KindlingNN does not depend on LAPACK).
enum HouseholderQR {
  /// For a row-major `rows × columns` matrix A: the matrix with orthonormal rows or columns
  /// (whichever are fewer) that PyTorch's `orthogonal_` makes, Q·diag(sign(diag R)) of
  /// A = QR (of Aᵀ when `rows < columns`, transposed back), row-major `rows × columns`.
  static func orthonormalFactor(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    let transposed = rows < columns
    let m = transposed ? columns : rows, n = transposed ? rows : columns
    // Column-major m × n working copy of the tall matrix.
    var work = [Double](repeating: 0, count: m * n)
    for r in 0..<rows {
      for c in 0..<columns {
        if transposed { work[r * m + c] = a[r * columns + c] } else { work[c * m + r] = a[r * columns + c] }
      }
    }
    var reflectors: [[Double]] = []
    var diagonal = [Double](repeating: 0, count: n)
    for k in 0..<n {
      var v = Array(work[(k * m + k)..<(k * m + m)])
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let alpha = v[0] > 0 ? -norm : norm
      diagonal[k] = alpha
      v[0] -= alpha
      let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if vNorm > 0 { v = v.map { $0 / vNorm } }
      reflectors.append(v)
      for j in k..<n {
        var dot = 0.0
        for i in k..<m { dot += v[i - k] * work[j * m + i] }
        for i in k..<m { work[j * m + i] -= 2 * dot * v[i - k] }
      }
    }
    // Q = H₀H₁…Hₙ₋₁ applied to the first n columns of the identity, then signs of R's diagonal.
    var q = [Double](repeating: 0, count: m * n)
    for j in 0..<n { q[j * m + j] = 1 }
    for k in stride(from: n - 1, through: 0, by: -1) {
      let v = reflectors[k]
      for j in 0..<n {
        var dot = 0.0
        for i in k..<m { dot += v[i - k] * q[j * m + i] }
        for i in k..<m { q[j * m + i] -= 2 * dot * v[i - k] }
      }
    }
    var result = [Double](repeating: 0, count: rows * columns)
    for j in 0..<n {
      let sign: Double = diagonal[j] > 0 ? 1 : (diagonal[j] < 0 ? -1 : 0)
      for i in 0..<m {
        let value = q[j * m + i] * sign
        if transposed { result[j * columns + i] = value } else { result[i * columns + j] = value }
      }
    }
    return result
  }
}
