// The blocked tridiagonal reduction (upper triangle) for one element type, split across a team of
// threads, included by reductions.c once per type after sytrd_template.h (whose unblocked kernel
// finishes the first columns), with ST_GEMV, ST_GEMM, ST_SYMV and ST_SYR2K (OpenBLAS's) defined.
//
// It is LAPACK's ?sytrd with uplo U: panels of ST_NB columns from the last one backwards, each
// reduced by ?latrd's steps and followed by a rank-2·ST_NB update (?syr2k) of the leading block,
// and ?sytd2 on the first columns. Most of its time goes to one symmetric matrix-vector product
// per column with the whole leading block, which reads it from memory. As in the bidiagonal
// reduction (gebrd_blocked_template.h), every member owns a range of the leading block's columns
// (ranges of equal area of the triangle, the last one with the panel), in the product and in the
// update, and the ranges move little from panel to panel: each member's columns stay in its own
// core's cache. The members meet at two barriers per column.

/// The panel width and the columns left to the unblocked code (LAPACK's `ilaenv` values for
/// `?sytrd`: nb 32, nx 32).
#define ST_NB 32
#define ST_NX 32

/// What the members of one reduction share.
typedef struct {
  kindling_team_state team;
  int n, lda;
  ST_T *a, *d, *e, *tau;
  /// ?latrd's W (n×ST_NB, leading dimension n) of a panel.
  ST_T *w;
  /// From the member that owns the panel: Wᵀv and Aᵀv over the panel's processed columns.
  ST_T *wv, *av;
  /// Per member: its share of W's new column, the product of its columns with v (n).
  ST_T *part;
} ST_NAME(st_shared);

/// The first column of member t's range in the leading `N`×`N` block: the ranges split the
/// triangle's area evenly, member 0 holding the last columns (with the panel), the last member
/// the first ones. Member t's range ends where member t - 1's starts (member 0's at N).
static int ST_NAME(st_bound)(int N, int members, int t) {
  return (int)(N * ST_SQRT((ST_T)(members - 1 - t) / (ST_T)members));
}

/// Step `i` (column i of the leading `N`×`N` block, panel column `k`), by the member that owns the
/// panel: ?latrd's update of column i, its reflector, and the short products the others need.
static void ST_NAME(st_column)(ST_NAME(st_shared) *s, int N, int i, int k) {
  const int lda = s->lda, ldw = s->n, right = N - i - 1;
  ST_T *A = s->a, *W = s->w, *column = A + (long)i * lda;
  if (right > 0) {
    ST_GEMV(CblasColMajor, CblasNoTrans, i + 1, right, -1, A + (long)(i + 1) * lda, lda, W + i + (long)(k + 1) * ldw,
            ldw, 1, column, 1);
    ST_GEMV(CblasColMajor, CblasNoTrans, i + 1, right, -1, W + (long)(k + 1) * ldw, ldw, A + i + (long)(i + 1) * lda,
            lda, 1, column, 1);
  }
  // H(i) annihilates A(0:i-2, i): the reflector's 1 at row i - 1, v in rows 0..i-2.
  ST_T alpha = column[i - 1];
  s->tau[i - 1] = ST_NAME(st_larfg)(i, &alpha, column);
  s->e[i - 1] = alpha;
  column[i - 1] = 1;
  if (right > 0) {
    ST_GEMV(CblasColMajor, CblasTrans, i, right, 1, W + (long)(k + 1) * ldw, ldw, column, 1, 0, s->wv, 1);
    ST_GEMV(CblasColMajor, CblasTrans, i, right, 1, A + (long)(i + 1) * lda, lda, column, 1, 0, s->av, 1);
  }
}

/// `y[0..<hi] = A v` over the columns `[lo, hi)` of the upper triangle of `A` read as a
/// symmetric matrix: each column j gives its part above the diagonal times `v[j]` to `y[0..<j]`
/// and its dot product with `v` to `y[j]`, in one pass over the column (OpenBLAS's `?symv` on
/// the diagonal block plus two `?gemv` on the rectangle above it read that rectangle twice).
KINDLING_MULTIVERSION
static void ST_NAME(st_symv_columns)(const ST_T *A, int lda, const ST_T *restrict v, ST_T *restrict y, int lo,
                                     int hi) {
  for (int r = 0; r < hi; r++) y[r] = 0;
  for (int j = lo; j < hi; j++) {
    const ST_T *restrict column = A + (long)j * lda;
    const ST_T vj = v[j];
    ST_T dot = 0;
    for (int r = 0; r < j; r++) {
#pragma clang fp reassociate(on)
      y[r] += column[r] * vj;
      dot += column[r] * v[r];
    }
    y[j] += dot + column[j] * vj;
  }
}

/// Step `i`, every member: the product of its columns `[lo, hi)` of the leading i×i block (the
/// upper triangle, read as the symmetric matrix) with v, into its share (rows 0..<hi).
static void ST_NAME(st_product)(ST_NAME(st_shared) *s, int i, int t, int lo, int hi) {
  if (hi > i) hi = i;
  if (hi <= lo) return;
  ST_NAME(st_symv_columns)(s->a, s->lda, s->a + (long)i * s->lda, s->part + (long)t * s->n, lo, hi);
}

/// Step `i`, the member that owns the panel: W's new column from the members' shares.
static void ST_NAME(st_combine)(ST_NAME(st_shared) *s, int N, int i, int k, const int *bounds) {
  const int lda = s->lda, ldw = s->n, right = N - i - 1, members = s->team.members;
  ST_T *A = s->a, *W = s->w, *w = s->w + (long)k * ldw;
  const ST_T *v = A + (long)i * lda;
  for (int r = 0; r < i; r++) w[r] = 0;
  for (int t = 0; t < members; t++) {
    const int lo = bounds[t], hi = (t == 0 ? N : bounds[t - 1]) < i ? (t == 0 ? N : bounds[t - 1]) : i;
    if (hi <= lo) continue;
    const ST_T *part = s->part + (long)t * s->n;
    for (int r = 0; r < hi; r++) w[r] += part[r];
  }
  if (right > 0) {
    ST_GEMV(CblasColMajor, CblasNoTrans, i, right, -1, A + (long)(i + 1) * lda, lda, s->wv, 1, 1, w, 1);
    ST_GEMV(CblasColMajor, CblasNoTrans, i, right, -1, W + (long)(k + 1) * ldw, ldw, s->av, 1, 1, w, 1);
  }
  const ST_T tau = s->tau[i - 1];
  ST_T dot = 0;
  for (int r = 0; r < i; r++) {
    w[r] *= tau;
    dot += w[r] * v[r];
  }
  const ST_T half = -(ST_T)0.5 * tau * dot;
  for (int r = 0; r < i; r++) w[r] += half * v[r];
}

static void ST_NAME(st_member)(void *context, int t) {
  ST_NAME(st_shared) *s = context;
  const int n = s->n, lda = s->lda, members = s->team.members;
  ST_T *A = s->a;
  const int kk = n > ST_NX ? n - ((n - ST_NX + ST_NB - 1) / ST_NB) * ST_NB : n;
  for (int N = n; N > kk; N -= ST_NB) {
    const int i0 = N - ST_NB;
    int bounds[KINDLING_TEAM_MAX];
    for (int m = 0; m < members; m++) bounds[m] = ST_NAME(st_bound)(N, members, m);
    const int lo = bounds[t], hi = t == 0 ? N : bounds[t - 1];
    for (int k = ST_NB - 1; k >= 0; k--) {
      const int i = i0 + k;
      if (t == 0) ST_NAME(st_column)(s, N, i, k);
      kindling_team_wait(&s->team.barrier);
      ST_NAME(st_product)(s, i, t, lo, hi);
      kindling_team_wait(&s->team.barrier);
      if (t == 0) ST_NAME(st_combine)(s, N, i, k, bounds);
    }
    kindling_team_wait(&s->team.barrier);
    // A(0:i0, 0:i0) -= V Wᵀ + W Vᵀ on this member's columns: the rectangle above its diagonal
    // block, then the block's upper triangle.
    const int top = hi < i0 ? hi : i0, count = top - lo;
    if (count > 0) {
      const ST_T *V = A + (long)i0 * lda, *W = s->w;
      if (lo > 0) {
        ST_GEMM(CblasColMajor, CblasNoTrans, CblasTrans, lo, count, ST_NB, -1, V, lda, W + lo, n, 1,
                A + (long)lo * lda, lda);
        ST_GEMM(CblasColMajor, CblasNoTrans, CblasTrans, lo, count, ST_NB, -1, W, n, V + lo, lda, 1,
                A + (long)lo * lda, lda);
      }
      ST_SYR2K(CblasColMajor, CblasUpper, CblasNoTrans, count, ST_NB, -1, V + lo, lda, W + lo, n, 1,
               A + lo + (long)lo * lda, lda);
    }
    kindling_team_wait(&s->team.barrier);
    if (t == 0) {
      for (int j = i0; j < N; j++) {
        A[(j - 1) + (long)j * lda] = s->e[j - 1];
        s->d[j] = A[j + (long)j * lda];
      }
    }
  }
  if (t == 0) ST_NAME(kindling_sytrd_upper)(kk, A, lda, s->d, s->e, s->tau);
}

int ST_NAME(kindling_sytrd_blocked_upper)(int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tau, int threads) {
  if (threads < 1) threads = 1;
  if (threads > KINDLING_TEAM_MAX) threads = KINDLING_TEAM_MAX;
  const long size = (long)ST_NB * n + 2L * ST_NB + (long)threads * n;
  ST_T *space = malloc(sizeof(ST_T) * size);
  if (!space) return -1;
  ST_NAME(st_shared) s = {.n = n, .lda = lda, .a = a, .d = d, .e = e, .tau = tau};
  s.w = space;
  s.wv = space + (long)ST_NB * n;
  s.av = s.wv + ST_NB;
  s.part = s.av + ST_NB;
  kindling_team_run(threads, kindling_team_patience(n), kindling_team_setup, ST_NAME(st_member), &s);
  free(space);
  return 0;
}
