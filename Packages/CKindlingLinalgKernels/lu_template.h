// The LU kernels for one element type, included by lu.c once per type with LU_T (the type),
// LU_NAME(x) (x with the type's suffix), LU_GEMM, LU_IAMAX and LU_TRSM (its CBLAS routines) and
// LU_SAFE_MIN (its smallest normal number) defined. Matrices are row-major: element (i, j) of a
// matrix with row stride `ld` is at `[i * ld + j]`. The inner loops are vectorized without
// interleaving (`interleave_count(1)`): interleaved four times, a loop shorter than 64 floats
// never reaches its vector body and runs in the scalar remainder.

/// B = L⁻¹ B for the unit lower triangle of the `n1`×`n1` matrix `l` and the `n1`×`n2` matrix `b`,
/// recursively: all but the blocks of at most KINDLING_LU_PANEL rows runs as GEMM.
KINDLING_MULTIVERSION
static void LU_NAME(lu_unit_lower_solve)(int n1, int n2, const LU_T *l, int ldl, LU_T *b, int ldb) {
  if (n1 <= KINDLING_LU_PANEL) {
    for (int i = 1; i < n1; i++) {
      LU_T *bi = b + (long)i * ldb;
      for (int k = 0; k < i; k++) {
        const LU_T f = l[(long)i * ldl + k];
        const LU_T *bk = b + (long)k * ldb;
#pragma clang loop interleave_count(1)
        for (int c = 0; c < n2; c++) bi[c] -= f * bk[c];
      }
    }
    return;
  }
  const int h = n1 / 2;
  LU_NAME(lu_unit_lower_solve)(h, n2, l, ldl, b, ldb);
  LU_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, n1 - h, n2, h, -1, l + (long)h * ldl, ldl, b, ldb, 1,
          b + (long)h * ldb, ldb);
  LU_NAME(lu_unit_lower_solve)(n1 - h, n2, l + (long)h * ldl + h, ldl, b + (long)h * ldb, ldb);
}

/// Factors the `m`×`n` panel at `a` (n <= KINDLING_LU_PANEL) column by column in `work` (column-
/// major, `m`×`n`), then interchanges the rest of each pivoted row: `left` elements before the panel
/// and `right` after it.
KINDLING_MULTIVERSION
static void LU_NAME(lu_panel)(int m, int n, LU_T *a, int lda, long left, long right, int *piv, int *info,
                              int base, LU_T *work) {
  for (int i = 0; i < m; i++) {
    const LU_T *ai = a + (long)i * lda;
    for (int c = 0; c < n; c++) work[(long)c * m + i] = ai[c];
  }
  const int k = m < n ? m : n;
  for (int j = 0; j < k; j++) {
    LU_T *cj = work + (long)j * m;
    const int p = j + (int)LU_IAMAX(m - j, cj + j, 1);
    piv[j] = p;
    const LU_T pivot = cj[p];
    if (pivot != 0) {
      if (p != j) {
        for (int c = 0; c < n; c++) {
          LU_T t = work[(long)c * m + j];
          work[(long)c * m + j] = work[(long)c * m + p];
          work[(long)c * m + p] = t;
        }
      }
      // As LAPACK: multiply by the reciprocal unless it would overflow.
      if ((pivot < 0 ? -pivot : pivot) >= LU_SAFE_MIN) {
        const LU_T r = 1 / pivot;
#pragma clang loop interleave_count(1)
        for (int i = j + 1; i < m; i++) cj[i] *= r;
      } else {
        for (int i = j + 1; i < m; i++) cj[i] /= pivot;
      }
    } else if (*info == 0) {
      *info = base + j + 1;
    }
    for (int c = j + 1; c < n; c++) {
      LU_T *cc = work + (long)c * m;
      const LU_T f = cc[j];
#pragma clang loop interleave_count(1)
      for (int i = j + 1; i < m; i++) cc[i] -= f * cj[i];
    }
  }
  for (int j = 0; j < k; j++) {
    const int p = piv[j];
    if (p == j) continue;
    LU_T *r1 = a + (long)j * lda, *r2 = a + (long)p * lda;
    for (long c = -left; c < 0; c++) { LU_T t = r1[c]; r1[c] = r2[c]; r2[c] = t; }
    for (long c = n; c < n + right; c++) { LU_T t = r1[c]; r1[c] = r2[c]; r2[c] = t; }
  }
  for (int i = 0; i < m; i++) {
    LU_T *ai = a + (long)i * lda;
    for (int c = 0; c < n; c++) ai[c] = work[(long)c * m + i];
  }
}

/// Factors the `m`×`n` block at `a`, which has `left` columns of the matrix before it and `right`
/// after it; pivots relative to the block's first row; `base` is the block's first row in the
/// matrix (for `info`).
static void LU_NAME(lu_block)(int m, int n, LU_T *a, int lda, long left, long right, int *piv, int *info,
                              int base, LU_T *work) {
  if (n <= KINDLING_LU_PANEL) {
    LU_NAME(lu_panel)(m, n, a, lda, left, right, piv, info, base, work);
    return;
  }
  const int k = m < n ? m : n;
  int n1 = n / 2;
  if (n1 > KINDLING_LU_PANEL) n1 = n1 / KINDLING_LU_PANEL * KINDLING_LU_PANEL;
  if (n1 > k) n1 = k;
  const int n2 = n - n1;
  LU_NAME(lu_block)(m, n1, a, lda, left, right + n2, piv, info, base, work);
  LU_NAME(lu_unit_lower_solve)(n1, n2, a, lda, a + n1, lda);
  if (m == n1) return;
  LU_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, m - n1, n2, n1, -1, a + (long)n1 * lda, lda, a + n1, lda, 1,
          a + (long)n1 * lda + n1, lda);
  LU_NAME(lu_block)(m - n1, n2, a + (long)n1 * lda + n1, lda, left + n1, right, piv + n1, info, base + n1,
                    work);
  const int k2 = (m - n1) < n2 ? (m - n1) : n2;
  for (int j = 0; j < k2; j++) piv[n1 + j] += n1;
}

/// Interchanges the rows of the column-major `n`×`k` matrix `b` as 1-based `ipiv` says, first to
/// last (`direction` 1) or last to first (-1).
static void LU_NAME(lu_swap_rows)(int n, int k, const int *ipiv, LU_T *b, int direction) {
  for (int s = 0; s < n; s++) {
    const int i = direction > 0 ? s : n - 1 - s;
    const int p = ipiv[i] - 1;
    if (p == i) continue;
    for (long c = 0; c < k; c++) {
      LU_T t = b[c * n + i];
      b[c * n + i] = b[c * n + p];
      b[c * n + p] = t;
    }
  }
}

int LU_NAME(kindling_getrf)(int m, int n, LU_T *a, int lda, int *ipiv, LU_T *work) {
  int info = 0;
  if (m <= 0 || n <= 0) return 0;
  LU_NAME(lu_block)(m, n, a, lda, 0, 0, ipiv, &info, 0, work);
  const int k = m < n ? m : n;
  for (int j = 0; j < k; j++) ipiv[j] += 1;
  return info;
}

/// Solves op(T) X = B in place in `b` (column-major `n`×`k`) for a triangle of the column-major
/// `n`×`n` matrix `t` (BLAS's trsm).
static void LU_NAME(lu_triangular)(enum CBLAS_UPLO uplo, enum CBLAS_TRANSPOSE op, enum CBLAS_DIAG diag, int n,
                                   int k, const LU_T *t, LU_T *b) {
  LU_TRSM(CblasColMajor, CblasLeft, uplo, op, diag, n, k, 1, t, n, b, n);
}

/// One right-hand side, from the row-major factors directly: forward and back substitution by
/// rows (contiguous dot products) for A x = b, by columns of the transposed triangles (contiguous
/// row updates) for Aᵀ x = b. BLAS's trsv spends more in a call per row than in arithmetic at
/// small orders.
KINDLING_MULTIVERSION
static void LU_NAME(lu_solve_vector)(int transpose, int n, const LU_T *lu, LU_T *restrict x) {
  if (!transpose) {
    for (int i = 1; i < n; i++) {  // L y = b, unit diagonal
      const LU_T *restrict row = lu + (long)i * n;
      LU_T sum = 0;
#pragma clang loop interleave_count(1)
      for (int c = 0; c < i; c++) {
#pragma clang fp reassociate(on)
        sum += row[c] * x[c];
      }
      x[i] -= sum;
    }
    for (int i = n - 1; i >= 0; i--) {  // U x = y
      const LU_T *restrict row = lu + (long)i * n;
      LU_T sum = 0;
#pragma clang loop interleave_count(1)
      for (int c = i + 1; c < n; c++) {
#pragma clang fp reassociate(on)
        sum += row[c] * x[c];
      }
      x[i] = (x[i] - sum) / row[i];
    }
  } else {
    for (int i = 0; i < n; i++) {  // Uᵀ z = b: row i of U is column i of Uᵀ
      const LU_T *restrict row = lu + (long)i * n;
      const LU_T xi = x[i] / row[i];
      x[i] = xi;
#pragma clang loop interleave_count(1)
      for (int c = i + 1; c < n; c++) x[c] -= xi * row[c];
    }
    for (int i = n - 1; i > 0; i--) {  // Lᵀ w = z, unit diagonal
      const LU_T *restrict row = lu + (long)i * n;
      const LU_T xi = x[i];
#pragma clang loop interleave_count(1)
      for (int c = 0; c < i; c++) x[c] -= xi * row[c];
    }
  }
}

int LU_NAME(kindling_getrs)(int transpose, int n, int k, const LU_T *lu, const int *ipiv, LU_T *b) {
  if (n <= 0 || k <= 0) return 0;
  if (k == 1) {
    if (!transpose) LU_NAME(lu_swap_rows)(n, 1, ipiv, b, 1);
    LU_NAME(lu_solve_vector)(transpose, n, lu, b);
    if (transpose) LU_NAME(lu_swap_rows)(n, 1, ipiv, b, -1);
    return 0;
  }
  // Read column-major, the row-major factors are transposed: the upper triangle there is Lᵀ (with
  // L's unit diagonal), the lower one Uᵀ. A X = B: X = U⁻¹ L⁻¹ P B; Aᵀ X = B: X = Pᵀ L⁻ᵀ U⁻ᵀ B.
  if (!transpose) {
    LU_NAME(lu_swap_rows)(n, k, ipiv, b, 1);
    LU_NAME(lu_triangular)(CblasUpper, CblasTrans, CblasUnit, n, k, lu, b);
    LU_NAME(lu_triangular)(CblasLower, CblasTrans, CblasNonUnit, n, k, lu, b);
  } else {
    LU_NAME(lu_triangular)(CblasLower, CblasNoTrans, CblasNonUnit, n, k, lu, b);
    LU_NAME(lu_triangular)(CblasUpper, CblasNoTrans, CblasUnit, n, k, lu, b);
    LU_NAME(lu_swap_rows)(n, k, ipiv, b, -1);
  }
  return 0;
}
