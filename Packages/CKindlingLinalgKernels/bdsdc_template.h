// The SVD of an upper bidiagonal matrix by divide and conquer, LAPACK's ?bdsdc (compq I), with its
// top step taken here so that both halves are solved at once, included by reductions.c once per
// type with ST_LASD0 and ST_LASD1 (the Fortran entry points of LAPACK's ?lasd0 and ?lasd1)
// defined besides the macros of sytrd_template.h.
//
// ?bdsdc scales the matrix to norm 1, splits it where an off-diagonal element is negligible, and
// hands each piece to ?lasd0, which cuts it in two halves around a middle row, recursively, and
// merges the halves' SVDs with ?lasd1. Here the first cut is made by hand: ?lasd0 solves the two
// halves on two threads, and ?lasd1 merges them, exactly the calls ?lasd0 would make.

/// LAPACK's `smlsiz` for ?bdsdc (`ilaenv` 9): the size ?lasd0 stops cutting at.
#define BD_SMALL 25

/// What the two halves share.
typedef struct {
  kindling_team_state team;
  int n, left, right;
  ST_T *d, *e, *u, *vt;
  ST_T *work[2];
  int *iwork[2];
  int info[2];
} ST_NAME(bd_shared);

/// ?lasd0 on the left half (rows 0..<left, one more column: `sqre` 1) or on the right one (the
/// rows after the middle row, square); a lone member solves both.
static void ST_NAME(bd_half)(ST_NAME(bd_shared) *s, int half) {
  int n = s->n, small = BD_SMALL, sqre = half == 0 ? 1 : 0;
  int size = half == 0 ? s->left : s->right;
  const long start = half == 0 ? 0 : s->left + 1;
  ST_LASD0(&size, &sqre, s->d + start, s->e + start, s->u + start * (n + 1), &n, s->vt + start * (n + 1), &n, &small,
           s->iwork[half], s->work[half], &s->info[half]);
}

static void ST_NAME(bd_member)(void *context, int t) {
  ST_NAME(bd_shared) *s = context;
  if (t == 0) {
    ST_NAME(bd_half)(s, 0);
    if (s->team.members == 1) ST_NAME(bd_half)(s, 1);
  } else if (t == 1) {
    ST_NAME(bd_half)(s, 1);
  }
}

/// `index[0..<n]` (1-based) such that `d[index[i] - 1]` ascends in i; stable (a merge sort),
/// with `scratch` of n.
static void ST_NAME(bd_ascending)(const ST_T *d, int n, int *index, int *scratch) {
  for (int i = 0; i < n; i++) index[i] = i + 1;
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      const int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) scratch[k++] = d[index[j] - 1] < d[index[i] - 1] ? index[j++] : index[i++];
      while (i < mid) scratch[k++] = index[i++];
      while (j < hi) scratch[k++] = index[j++];
    }
    for (int i = 0; i < n; i++) index[i] = scratch[i];
  }
}

/// ?bdsdc with uplo `U` and compq `I` on the `n`×`n` upper bidiagonal matrix (`d`, `e`; both
/// overwritten): the singular values descending in `d`, the singular vectors in `u` and `vt`
/// (`n`×`n`, column-major), ?bdsdc's result up to rounding. Returns its `info`, or
/// `KINDLING_USE_GESDD` (nothing written) where ?bdsdc itself must run: a negligible
/// off-diagonal element (?bdsdc splits there first), below order 2·BD_SMALL + 2, or out of
/// memory.
int ST_NAME(kindling_bdsdc_split)(int n, ST_T *d, ST_T *e, ST_T *u, ST_T *vt) {
  if (n < 2 * BD_SMALL + 2) return KINDLING_USE_GESDD;
  ST_T largest = 0;
  for (int i = 0; i < n; i++) largest = ST_ABS(d[i]) > largest ? ST_ABS(d[i]) : largest;
  for (int i = 0; i < n - 1; i++) largest = ST_ABS(e[i]) > largest ? ST_ABS(e[i]) : largest;
  const ST_T eps = ST_EPSILON / 2, scale = largest == 0 ? 1 : 1 / largest;
  for (int i = 0; i < n - 1; i++) {
    if (ST_ABS(e[i] * scale) < eps) return KINDLING_USE_GESDD;
  }
  const int left = n / 2, right = n - left - 1;
  const long halfWork = 3L * (left + 1) * (left + 1) + 2L * (left + 1);
  const long mergeWork = 3L * n * n + 2L * n;
  ST_T *work = malloc(sizeof(ST_T) * (mergeWork > 2 * halfWork ? mergeWork : 2 * halfWork));
  int *iwork = malloc(sizeof(int) * 22L * n);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return KINDLING_USE_GESDD;
  }
  for (long i = 0; i < (long)n * n; i++) u[i] = vt[i] = 0;
  for (long i = 0; i < n; i++) u[i * (n + 1)] = vt[i * (n + 1)] = 1;
  if (largest == 0) {
    free(work);
    free(iwork);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    d[i] *= scale;
    if (ST_ABS(d[i]) < eps) d[i] = d[i] < 0 ? -eps : eps;
  }
  for (int i = 0; i < n - 1; i++) e[i] *= scale;
  ST_NAME(bd_shared) s = {.n = n, .left = left, .right = right, .d = d, .e = e, .u = u, .vt = vt};
  s.work[0] = work, s.work[1] = work + halfWork;
  s.iwork[0] = iwork, s.iwork[1] = iwork + 8L * n;
  kindling_team_run(2, kindling_team_patience(n), kindling_team_setup, ST_NAME(bd_member), &s);
  int info = s.info[0] ? s.info[0] : s.info[1];
  if (info == 0) {
    // ?lasd1 wants each half's ascending order, counted from the half's start.
    int *order = iwork, *scratch = iwork + n, *merge = iwork + 2L * n;
    ST_NAME(bd_ascending)(d, left, order, scratch);
    ST_NAME(bd_ascending)(d + left + 1, right, order + left + 1, scratch);
    ST_T alpha = d[left], beta = e[left];
    int sqre = 0, l = left, r = right, ld = n;
    ST_LASD1(&l, &r, &sqre, d, &alpha, &beta, u, &ld, vt, &ld, order, merge, work, &info);
    if (info == 0) {
      // Descending, as ?bdsdc sorts them: value, column of U and row of Vᵀ `order[n-1-k] - 1`
      // go to place k.
      ST_T *values = work, *columns = work + n;
      for (int k = 0; k < n; k++) values[k] = d[order[n - 1 - k] - 1] * largest;
      for (int k = 0; k < n; k++) d[k] = values[k];
      for (int k = 0; k < n; k++) {
        const ST_T *from = u + (long)(order[n - 1 - k] - 1) * n;
        for (int r = 0; r < n; r++) columns[(long)k * n + r] = from[r];
      }
      for (long i = 0; i < (long)n * n; i++) u[i] = columns[i];
      for (int c = 0; c < n; c++) {
        ST_T *column = vt + (long)c * n, *sorted = columns;
        for (int k = 0; k < n; k++) sorted[k] = column[order[n - 1 - k] - 1];
        for (int k = 0; k < n; k++) column[k] = sorted[k];
      }
    }
  }
  free(work);
  free(iwork);
  return info;
}
