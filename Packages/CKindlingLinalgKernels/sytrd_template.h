// The tridiagonal reduction for one element type, included by reductions.c once per type with ST_T,
// ST_NAME(x), ST_NRM2, ST_SQRT and ST_SAFE_MIN (smallest normal ÷ LAPACK's eps) defined.
// Matrices are column-major, as LAPACK's: element (r, c) of a matrix with leading dimension `ld`
// is at `[r + c * ld]`.

/// LAPACK's `?lapy2`: √(x² + y²) without overflow.
static ST_T ST_NAME(st_lapy2)(ST_T x, ST_T y) {
  ST_T xa = x < 0 ? -x : x, ya = y < 0 ? -y : y;
  ST_T w = xa > ya ? xa : ya, z = xa < ya ? xa : ya;
  if (z == 0 || w != w || z != z) return w + z;
  ST_T q = z / w;
  return w * ST_SQRT(1 + q * q);
}

/// LAPACK's `?larfg` on `alpha` and the `n - 1` contiguous elements `x`: the elementary reflector
/// H = I - tau (1; v)(1; v)ᵀ with H (alpha; x) = (beta; 0); `alpha` becomes beta, `x` v.
static ST_T ST_NAME(st_larfg)(int n, ST_T *alpha, ST_T *x) {
  if (n <= 1) return 0;
  ST_T xnorm = ST_NRM2(n - 1, x, 1);
  if (xnorm == 0) return 0;
  ST_T beta = ST_NAME(st_lapy2)(*alpha, xnorm);
  if (*alpha >= 0) beta = -beta;
  int knt = 0;
  if ((beta < 0 ? -beta : beta) < ST_SAFE_MIN) {
    const ST_T rsafmn = 1 / ST_SAFE_MIN;
    do {
      knt++;
      for (int i = 0; i < n - 1; i++) x[i] *= rsafmn;
      beta *= rsafmn;
      *alpha *= rsafmn;
    } while ((beta < 0 ? -beta : beta) < ST_SAFE_MIN && knt < 20);
    xnorm = ST_NRM2(n - 1, x, 1);
    beta = ST_NAME(st_lapy2)(*alpha, xnorm);
    if (*alpha >= 0) beta = -beta;
  }
  const ST_T tau = (beta - *alpha) / beta;
  const ST_T scale = 1 / (*alpha - beta);
  for (int i = 0; i < n - 1; i++) x[i] *= scale;
  for (int j = 0; j < knt; j++) beta *= ST_SAFE_MIN;
  *alpha = beta;
  return tau;
}

/// The reflector's work on the leading `i`×`i` block, kept in full (both triangles): with `v` in
/// column `i` above the diagonal, y = tau A v, y -= ½ tau (yᵀv) v, A -= v yᵀ + y vᵀ. Column by
/// column over contiguous memory; the inner loops are not interleaved, which would leave columns
/// shorter than 4 vectors to the scalar remainder (at n = 64: 40 against 55 µs).
KINDLING_MULTIVERSION
static void ST_NAME(st_update)(int i, ST_T *a, int lda, const ST_T *restrict v, ST_T taui, ST_T *restrict y) {
  for (int r = 0; r < i; r++) y[r] = 0;
  for (int c = 0; c < i; c++) {
    const ST_T *restrict ac = a + (long)c * lda;
    const ST_T s = taui * v[c];
#pragma clang loop interleave_count(1)
    for (int r = 0; r < i; r++) y[r] += s * ac[r];
  }
  ST_T dot = 0;
  for (int r = 0; r < i; r++) dot += y[r] * v[r];
  const ST_T alpha = -(ST_T)0.5 * taui * dot;
  for (int r = 0; r < i; r++) y[r] += alpha * v[r];
  for (int c = 0; c < i; c++) {
    ST_T *restrict ac = a + (long)c * lda;
    const ST_T vc = v[c], yc = y[c];
#pragma clang loop interleave_count(1)
    for (int r = 0; r < i; r++) ac[r] -= v[r] * yc + y[r] * vc;
  }
}

void ST_NAME(kindling_sytrd_upper)(int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tau) {
  if (n <= 0) return;
  // Work on the full matrix: mirror the upper triangle into the lower one, which LAPACK does not
  // read (nor does `?ormtr` after it).
  for (int c = 0; c < n; c++)
    for (int r = c + 1; r < n; r++) a[r + (long)c * lda] = a[c + (long)r * lda];
  for (int i = n - 1; i >= 1; i--) {
    // Reflector H(i) annihilates A(0:i-1, i) above the superdiagonal element A(i-1, i).
    ST_T *column = a + (long)i * lda;
    ST_T alpha = column[i - 1];
    const ST_T taui = ST_NAME(st_larfg)(i, &alpha, column);
    e[i - 1] = alpha;
    if (taui != 0) {
      column[i - 1] = 1;
      ST_NAME(st_update)(i, a, lda, column, taui, tau);  // tau[0..<i] is free: y lives there
      column[i - 1] = e[i - 1];
    }
    d[i] = a[i + (long)i * lda];
    tau[i - 1] = taui;
  }
  d[0] = a[0];
}

void ST_NAME(kindling_sytrd_lower)(int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tau) {
  if (n <= 0) return;
  // As the upper case, mirrored: the lower triangle is read, the upper one overwritten.
  for (int c = 0; c < n; c++)
    for (int r = c + 1; r < n; r++) a[c + (long)r * lda] = a[r + (long)c * lda];
  for (int i = 0; i < n - 1; i++) {
    // Reflector H(i) annihilates A(i+2:n-1, i) below the subdiagonal element A(i+1, i).
    const int m = n - i - 1;
    ST_T *v = a + (i + 1) + (long)i * lda;
    ST_T alpha = v[0];
    const ST_T taui = ST_NAME(st_larfg)(m, &alpha, v + 1);
    e[i] = alpha;
    if (taui != 0) {
      v[0] = 1;
      ST_NAME(st_update)(m, a + (i + 1) + (long)(i + 1) * lda, lda, v, taui, tau + i);  // y in tau[i..<n-1]
      v[0] = e[i];
    }
    d[i] = a[i + (long)i * lda];
    tau[i] = taui;
  }
  d[n - 1] = a[(n - 1) + (long)(n - 1) * lda];
}

void ST_NAME(kindling_sytrd)(char uplo, int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tau) {
  if (uplo == 'U' || uplo == 'u') {
    ST_NAME(kindling_sytrd_upper)(n, a, lda, d, e, tau);
  } else {
    ST_NAME(kindling_sytrd_lower)(n, a, lda, d, e, tau);
  }
}
