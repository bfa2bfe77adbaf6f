// The symmetric tridiagonal divide and conquer with eigenvectors (LAPACK's ?stedc with compz I,
// through ?laed0), for one element type, included by reductions.c once per type after
// laed1_template.h, with ST_STEQR (LAPACKE's ?steqr_work) defined.
//
// The matrix, scaled to norm 1 as ?stedc scales it, is cut in two halves minus a rank-one term
// (the off-diagonal element at the cut, subtracted from the two diagonal elements beside it),
// each half solved the same way down to ST_DC_LEAF rows (?steqr), and the halves' eigensystems
// merged by kindling_laed1 (?laed1 with Kindling's vectorized secular-equation solver). The two
// halves of the top cut are solved at once on a team of two; the top merge splits across the
// whole team from order ST_DC_MERGE_TEAM. At the end the eigenpairs are sorted ascending, as ?laed0 sorts them.

/// The order up to which a block is solved by ?steqr (LAPACK's smlsiz, ilaenv's 25).
#define ST_DC_LEAF 25
/// The order from which the top merge splits across the team (at 128 the split cost more than
/// it saved: eigh 1.69–1.87 against 1.53–1.68 ms).
#define ST_DC_MERGE_TEAM 256

/// Eigenvalues (into d, unsorted) and eigenvectors (into the n×n block z, leading dimension
/// ldz, which is zero outside its diagonal blocks) of the tridiagonal block (d, e), and its
/// ascending order into indxq (1-based); 0, ?steqr's info, or -1 when memory ran out.
static int ST_NAME(dc_solve)(int n, ST_T *d, ST_T *e, ST_T *z, int ldz, int *indxq, int threads) {
  if (n <= ST_DC_LEAF) {
    ST_T *work = malloc(sizeof(ST_T) * (n > 1 ? 2 * (size_t)n - 2 : 1));
    if (!work) return -1;
    const int info = ST_STEQR(LAPACK_COL_MAJOR, 'I', n, d, e, z, ldz, work);
    free(work);
    for (int i = 0; i < n; i++) indxq[i] = i + 1;
    return info;
  }
  const int m = n / 2;
  const ST_T rho = e[m - 1];
  d[m - 1] -= ST_ABS(rho);
  d[m] -= ST_ABS(rho);
  int info = ST_NAME(dc_solve)(m, d, e, z, ldz, indxq, 1);
  if (info == 0) info = ST_NAME(dc_solve)(n - m, d + m, e + m, z + (long)m * ldz + m, ldz, indxq + m, 1);
  if (info != 0) return info;
  return ST_NAME(kindling_laed1)(n, d, z, ldz, indxq, rho, m, threads);
}

/// The two halves of the top cut, solved by the members of a team (both by one member when
/// only one joins).
typedef struct {
  kindling_team_state team;
  int n, m, ldz;
  ST_T *d, *e, *z;
  int *indxq;
  int info[2];
} ST_NAME(dc_halves);

static void ST_NAME(dc_half)(void *context, int t) {
  ST_NAME(dc_halves) *s = context;
  for (int half = t; half < 2; half += s->team.members) {
    const int start = half == 0 ? 0 : s->m, size = half == 0 ? s->m : s->n - s->m;
    s->info[half] = ST_NAME(dc_solve)(size, s->d + start, s->e + start, s->z + (long)start * s->ldz + start, s->ldz,
                                      s->indxq + start, 1);
  }
}

int ST_NAME(kindling_stedc)(int n, ST_T *d, ST_T *e, ST_T *z, int ldz, int threads) {
  if (n <= 0) return 0;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++) z[i + (long)j * ldz] = 0;
  }
  if (n == 1) {
    z[0] = 1;
    return 0;
  }
  // Scaled to the largest magnitude (?stedc's norm), as ?stedc scales.
  ST_T scale = 0;
  for (int i = 0; i < 2 * n - 1; i++) {
    const ST_T x = i < n ? d[i] : e[i - n];
    if (!isfinite(x)) return -2;
    scale = ST_ABS(x) > scale ? ST_ABS(x) : scale;
  }
  if (!(scale > 0)) return -2;
  int *indxq = malloc(sizeof(int) * (size_t)n);
  ST_T *sorted = malloc(sizeof(ST_T) * ((size_t)n + (size_t)n * n));
  if (!indxq || !sorted) {
    free(indxq);
    free(sorted);
    return -1;
  }
  for (int i = 0; i < n; i++) d[i] /= scale;
  for (int i = 0; i < n - 1; i++) e[i] /= scale;
  int info;
  if (n <= ST_DC_LEAF) {
    info = ST_NAME(dc_solve)(n, d, e, z, ldz, indxq, 1);
  } else {
    const int m = n / 2;
    const ST_T rho = e[m - 1];
    d[m - 1] -= ST_ABS(rho);
    d[m] -= ST_ABS(rho);
    ST_NAME(dc_halves) s = {.n = n, .m = m, .ldz = ldz, .d = d, .e = e, .z = z, .indxq = indxq};
    kindling_team_run(threads < 2 ? 1 : 2, kindling_team_patience(n), kindling_team_setup, ST_NAME(dc_half), &s);
    info = s.info[0] != 0 ? s.info[0] : s.info[1];
    const int mergeThreads = n >= ST_DC_MERGE_TEAM ? threads : 1;
    if (info == 0) info = ST_NAME(kindling_laed1)(n, d, z, ldz, indxq, rho, m, mergeThreads);
  }
  if (info == 0) {
    // Ascending: eigenpair indxq[i] − 1 goes to place i.
    ST_T *values = sorted, *vectors = sorted + n;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) vectors[i + (long)j * n] = z[i + (long)j * ldz];
    }
    for (int i = 0; i < n; i++) values[i] = d[indxq[i] - 1];
    for (int j = 0; j < n; j++) {
      const ST_T *from = vectors + (long)(indxq[j] - 1) * n;
      for (int i = 0; i < n; i++) z[i + (long)j * ldz] = from[i];
      d[j] = values[j] * scale;
    }
  }
  free(indxq);
  free(sorted);
  return info;
}
