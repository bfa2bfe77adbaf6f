// The blocked bidiagonal reduction for one element type, split across a team of threads,
// included by reductions.c once per type after gebrd_template.h (whose unblocked kernel finishes
// the last columns), with ST_GEMV and ST_GEMM (OpenBLAS's) defined besides its macros.
//
// It is LAPACK's ?gebrd for m >= n: panels of GB_NB columns reduced by ?labrd's steps, each
// followed by a rank-2·GB_NB update of the rest in GEMM, and ?gebd2 on the last GB_NX columns.
// Most of its time goes to two matrix-vector products per column with the whole trailing
// matrix, which read it from memory at a few bytes per flop. Here every member owns a
// contiguous range of the trailing columns, the same one in both products and in the GEMM, and
// the ranges move by GB_NB / 2 columns per panel only: each member's columns stay in its own
// core's cache. The members meet at three barriers per column; one member does the parts that
// touch the panel itself.

/// The panel width and the columns left to the unblocked code (LAPACK's `ilaenv` values for
/// `?gebrd`: nb 32, nx 128).
#define GB_NB 32
#define GB_NX 128

/// What the members of one reduction share.
typedef struct {
  kindling_team_state team;
  int m, n, lda;
  ST_T *a, *d, *e, *tauq, *taup;
  /// ?labrd's X (m×GB_NB, leading dimension m) and Y (n×GB_NB, leading dimension n) of a panel.
  ST_T *x, *y;
  /// The panel's current row, updated, over the trailing columns (each member writes its own).
  ST_T *row;
  /// From the member that owns the panel, for the others: Aᵀv and Xᵀv of the column reflector
  /// v over the panel's earlier columns, and the current row's panel part.
  ST_T *u1, *u2, *arow;
  /// Per member: its share of X's new column (m), and of the two short products (GB_NB + 1).
  ST_T *xpart, *s1part, *s2part;
  /// Per member: its copy of the row reflector (n).
  ST_T *v;
  /// The unblocked kernel's work (m + n).
  ST_T *tail;
} ST_NAME(gb_shared);

/// Step `i` of the panel at `A` (`M`×`N` trailing matrix) by the member that owns the panel:
/// ?labrd's update of column i and its reflector, and the vectors the others need.
static void ST_NAME(gb_column)(ST_NAME(gb_shared) *s, ST_T *A, int M, int i, int p) {
  const int lda = s->lda, ldx = s->m, ldy = s->n;
  ST_T *X = s->x, *Y = s->y;
  ST_T *column = A + (long)i * lda;
  if (i > 0) {
    ST_GEMV(CblasColMajor, CblasNoTrans, M - i, i, -1, A + i, lda, Y + i, ldy, 1, column + i, 1);
    ST_GEMV(CblasColMajor, CblasNoTrans, M - i, i, -1, X + i, ldx, column, 1, 1, column + i, 1);
  }
  ST_T alpha = column[i];
  s->tauq[p + i] = ST_NAME(st_larfg)(M - i, &alpha, column + i + 1);
  s->d[p + i] = alpha;
  column[i] = 1;
  if (i > 0) {
    ST_GEMV(CblasColMajor, CblasTrans, M - i, i, 1, A + i, lda, column + i, 1, 0, s->u1, 1);
    ST_GEMV(CblasColMajor, CblasTrans, M - i, i, 1, X + i, ldx, column + i, 1, 0, s->u2, 1);
  }
  for (int k = 0; k <= i; k++) s->arow[k] = A[i + (long)k * lda];
}

/// Step `i`, every member on its columns `[c0, hi)`: Y's new column (Aᵀv with ?labrd's
/// corrections) and the update of row i.
static void ST_NAME(gb_row)(ST_NAME(gb_shared) *s, ST_T *A, int M, int i, int p, int c0, int hi) {
  const int lda = s->lda, ldx = s->m, ldy = s->n, count = hi - c0;
  if (count <= 0) return;
  ST_T *X = s->x, *Y = s->y, *y = s->y + (long)i * ldy;
  ST_GEMV(CblasColMajor, CblasTrans, M - i, count, 1, A + i + (long)c0 * lda, lda, A + i + (long)i * lda, 1, 0,
          y + c0, 1);
  if (i > 0) {
    ST_GEMV(CblasColMajor, CblasNoTrans, count, i, -1, Y + c0, ldy, s->u1, 1, 1, y + c0, 1);
    ST_GEMV(CblasColMajor, CblasTrans, i, count, -1, A + (long)c0 * lda, lda, s->u2, 1, 1, y + c0, 1);
  }
  const ST_T tq = s->tauq[p + i];
  for (int c = c0; c < hi; c++) y[c] *= tq;
  ST_T *row = s->row;
  for (int c = c0; c < hi; c++) row[c] = A[i + (long)c * lda];
  ST_GEMV(CblasColMajor, CblasNoTrans, count, i + 1, -1, Y + c0, ldy, s->arow, 1, 1, row + c0, 1);
  if (i > 0) ST_GEMV(CblasColMajor, CblasTrans, i, count, -1, A + (long)c0 * lda, lda, X + i, ldx, 1, row + c0, 1);
}

/// Step `i`, every member: the row reflector from the whole updated row (each member computes
/// it, the same bits), stored into its own columns `[c0, hi)`, and its shares of X's new column.
static void ST_NAME(gb_reflect)(ST_NAME(gb_shared) *s, ST_T *A, int M, int N, int i, int p, int t, int c0,
                                int hi) {
  const int lda = s->lda, ldy = s->n, count = hi - c0, length = N - i - 1;
  ST_T *v = s->v + (long)t * s->n;
  for (int k = 0; k < length; k++) v[k] = s->row[i + 1 + k];
  ST_T beta = v[0];
  const ST_T tp = ST_NAME(st_larfg)(length, &beta, v + 1);
  v[0] = 1;
  if (t == 0) {
    s->e[p + i] = beta;
    s->taup[p + i] = tp;
  }
  ST_T *xpart = s->xpart + (long)t * s->m, *s1 = s->s1part + t * (GB_NB + 1), *s2 = s->s2part + t * (GB_NB + 1);
  if (count <= 0) {
    for (int r = i + 1; r < M; r++) xpart[r] = 0;
    for (int k = 0; k <= i; k++) s1[k] = s2[k] = 0;
    return;
  }
  const ST_T *vc = v + (c0 - i - 1);
  for (int c = c0; c < hi; c++) A[i + (long)c * lda] = vc[c - c0];
  ST_GEMV(CblasColMajor, CblasNoTrans, M - i - 1, count, 1, A + i + 1 + (long)c0 * lda, lda, vc, 1, 0, xpart + i + 1,
          1);
  ST_GEMV(CblasColMajor, CblasTrans, count, i + 1, 1, s->y + c0, ldy, vc, 1, 0, s1, 1);
  if (i > 0) ST_GEMV(CblasColMajor, CblasNoTrans, i, count, 1, A + (long)c0 * lda, lda, vc, 1, 0, s2, 1);
}

/// Step `i`, the member that owns the panel: X's new column from the members' shares.
static void ST_NAME(gb_combine)(ST_NAME(gb_shared) *s, ST_T *A, int M, int i, int p) {
  const int lda = s->lda, ldx = s->m, members = s->team.members;
  ST_T *X = s->x, *x = s->x + (long)i * ldx, *s1 = s->s1part, *s2 = s->s2part;
  for (int r = i + 1; r < M; r++) x[r] = s->xpart[r];
  for (int t = 1; t < members; t++) {
    const ST_T *part = s->xpart + (long)t * s->m;
    for (int r = i + 1; r < M; r++) x[r] += part[r];
    for (int k = 0; k <= i; k++) s1[k] += s->s1part[t * (GB_NB + 1) + k];
    for (int k = 0; k < i; k++) s2[k] += s->s2part[t * (GB_NB + 1) + k];
  }
  ST_GEMV(CblasColMajor, CblasNoTrans, M - i - 1, i + 1, -1, A + i + 1, lda, s1, 1, 1, x + i + 1, 1);
  if (i > 0) ST_GEMV(CblasColMajor, CblasNoTrans, M - i - 1, i, -1, X + i + 1, ldx, s2, 1, 1, x + i + 1, 1);
  const ST_T tp = s->taup[p + i];
  for (int r = i + 1; r < M; r++) x[r] *= tp;
}

static void ST_NAME(gb_member)(void *context, int t) {
  ST_NAME(gb_shared) *s = context;
  const int m = s->m, n = s->n, lda = s->lda, members = s->team.members;
  int p = 0;
  for (; n - p > GB_NX; p += GB_NB) {
    const int M = m - p, N = n - p;
    ST_T *A = s->a + p + (long)p * lda;
    // This member's trailing columns in this panel (member 0's hold the panel).
    const int lo = (int)((long)N * t / members), hi = (int)((long)N * (t + 1) / members);
    for (int i = 0; i < GB_NB; i++) {
      if (t == 0) ST_NAME(gb_column)(s, A, M, i, p);
      kindling_team_wait(&s->team.barrier);
      const int c0 = lo > i + 1 ? lo : i + 1;
      ST_NAME(gb_row)(s, A, M, i, p, c0, hi);
      kindling_team_wait(&s->team.barrier);
      ST_NAME(gb_reflect)(s, A, M, N, i, p, t, c0, hi);
      kindling_team_wait(&s->team.barrier);
      if (t == 0) ST_NAME(gb_combine)(s, A, M, i, p);
    }
    kindling_team_wait(&s->team.barrier);
    const int c0 = lo > GB_NB ? lo : GB_NB, count = hi - c0;
    if (count > 0) {
      ST_GEMM(CblasColMajor, CblasNoTrans, CblasTrans, M - GB_NB, count, GB_NB, -1, A + GB_NB, lda, s->y + c0, n, 1,
              A + GB_NB + (long)c0 * lda, lda);
      ST_GEMM(CblasColMajor, CblasNoTrans, CblasNoTrans, M - GB_NB, count, GB_NB, -1, s->x + GB_NB, m,
              A + (long)c0 * lda, lda, 1, A + GB_NB + (long)c0 * lda, lda);
    }
    if (t == 0) {
      for (int j = 0; j < GB_NB; j++) {
        A[j + (long)j * lda] = s->d[p + j];
        A[j + (long)(j + 1) * lda] = s->e[p + j];
      }
    }
    kindling_team_wait(&s->team.barrier);
  }
  if (t == 0) {
    ST_NAME(kindling_gebrd_upper)(m - p, n - p, s->a + p + (long)p * lda, lda, s->d + p, s->e + p, s->tauq + p,
                                  s->taup + p, s->tail);
  }
}

int ST_NAME(kindling_gebrd_blocked)(int m, int n, ST_T *a, int lda, ST_T *d, ST_T *e, ST_T *tauq, ST_T *taup,
                                    int threads) {
  if (threads < 1) threads = 1;
  if (threads > KINDLING_TEAM_MAX) threads = KINDLING_TEAM_MAX;
  const long perMember = (long)m + n + 2L * (GB_NB + 1);
  const long size = (long)GB_NB * (m + n) + n + 3L * (GB_NB + 1) + threads * perMember + m + n;
  ST_T *space = malloc(sizeof(ST_T) * size);
  if (!space) return -1;
  ST_NAME(gb_shared) s = {.m = m, .n = n, .lda = lda, .a = a, .d = d, .e = e, .tauq = tauq, .taup = taup};
  ST_T *next = space;
  s.x = next, next += (long)GB_NB * m;
  s.y = next, next += (long)GB_NB * n;
  s.row = next, next += n;
  s.u1 = next, next += GB_NB + 1;
  s.u2 = next, next += GB_NB + 1;
  s.arow = next, next += GB_NB + 1;
  s.xpart = next, next += (long)threads * m;
  s.s1part = next, next += threads * (GB_NB + 1);
  s.s2part = next, next += threads * (GB_NB + 1);
  s.v = next, next += (long)threads * n;
  s.tail = next;
  kindling_team_run(threads, kindling_team_patience(n), kindling_team_setup, ST_NAME(gb_member), &s);
  free(space);
  return 0;
}
