// The unblocked bidiagonal reduction for one element type, included by reductions.c once per type
// after sytrd_template.h (whose ST_NAME(st_larfg) it uses), with the same macros. Column-major.

/// LAPACK's `?gebrd` (its unblocked `?gebd2`, which `?gebrd` runs alone below order 128) for
/// `m >= n`: Qᵀ A P = B upper bidiagonal, `d` its diagonal, `e` its superdiagonal, Q's
/// reflectors below the diagonal with `tauq`, P's right of the superdiagonal with `taup`.
/// `work` holds `m + n` elements.
KINDLING_MULTIVERSION
void ST_NAME(kindling_gebrd_upper)(int m, int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tauq, ST_T *taup,
                                    ST_T *work) {
  ST_T *restrict row = work, *restrict w = work + n;
  for (int i = 0; i < n; i++) {
    // H(i) annihilates A(i+1:m-1, i), then applies from the left to A(i:m-1, i+1:n-1).
    ST_T *restrict v = a + i + (long)i * lda;
    const int rows = m - i;
    ST_T alpha = v[0];
    const ST_T tq = ST_NAME(st_larfg)(rows, &alpha, v + 1);
    d[i] = alpha;
    tauq[i] = tq;
    if (i < n - 1 && tq != 0) {
      v[0] = 1;
      for (int j = i + 1; j < n; j++) {
        ST_T *restrict c = a + i + (long)j * lda;
        ST_T dot = 0;
#pragma clang loop interleave_count(1)
        for (int r = 0; r < rows; r++) {
#pragma clang fp reassociate(on)
          dot += c[r] * v[r];
        }
        const ST_T f = tq * dot;
#pragma clang loop interleave_count(1)
        for (int r = 0; r < rows; r++) c[r] -= f * v[r];
      }
    }
    v[0] = d[i];
    if (i == n - 1) {
      taup[i] = 0;
      break;
    }
    // G(i) annihilates A(i, i+2:n-1), then applies from the right to A(i+1:m-1, i+1:n-1). The
    // row is strided: it is gathered into `row` and written back.
    const int columns = n - i - 1;
    for (int t = 0; t < columns; t++) row[t] = a[i + (long)(i + 1 + t) * lda];
    ST_T beta = row[0];
    const ST_T tp = ST_NAME(st_larfg)(columns, &beta, row + 1);
    e[i] = beta;
    taup[i] = tp;
    for (int t = 1; t < columns; t++) a[i + (long)(i + 1 + t) * lda] = row[t];
    a[i + (long)(i + 1) * lda] = beta;
    const int below = m - i - 1;
    if (tp == 0 || below == 0) continue;
    row[0] = 1;
    for (int r = 0; r < below; r++) w[r] = 0;
    for (int t = 0; t < columns; t++) {
      const ST_T *restrict c = a + (i + 1) + (long)(i + 1 + t) * lda;
      const ST_T s = row[t];
#pragma clang loop interleave_count(1)
      for (int r = 0; r < below; r++) w[r] += s * c[r];
    }
    for (int t = 0; t < columns; t++) {
      ST_T *restrict c = a + (i + 1) + (long)(i + 1 + t) * lda;
      const ST_T s = tp * row[t];
#pragma clang loop interleave_count(1)
      for (int r = 0; r < below; r++) c[r] -= s * w[r];
    }
  }
}
