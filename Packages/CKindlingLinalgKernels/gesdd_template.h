// LAPACK's ?gesdd for a square matrix, phase by phase, for one element type, included by
// reductions.c once per type after the reductions and bdsdc_template.h, with ST_BDSDC and
// ST_ORMBR (LAPACKE's routines) defined besides their macros.
//
// ?gesdd on a square matrix reduces it to bidiagonal form (?gebrd), takes the bidiagonal SVD
// (?bdsdc), and applies the reduction's reflectors to the singular vectors (?ormbr for U, then
// for Vᵀ). Each phase here splits across a team of threads: the reduction by columns
// (gebrd_blocked_template.h), the bidiagonal SVD by halves (bdsdc_template.h), the reflectors by
// columns of U and rows of Vᵀ, which are independent.

/// The order from which the phases split across threads at all: below it a team costs more than
/// it saves (through Kindling: at n = 64 on two threads 660–800 µs split, 490–630 not).
#define GS_TEAM_ORDER 160
/// The order from which the blocked reduction splits across threads: below it the members'
/// barriers cost what they save (from C on 2 cores, float32: at 256 3.3 ms on two threads
/// against 3.1 on one; at 512 13.5 against 17.4).
#define GS_TEAM_REDUCTION 384

/// What the members applying the reflectors share.
typedef struct {
  kindling_team_state team;
  int n;
  const ST_T *a, *tauq, *taup;
  ST_T *u, *vt;
  /// Member t's work, and past member 0 its copy of the reflectors, at `space + t * slot`.
  ST_T *space;
  long slot;
} ST_NAME(gs_shared);

/// The work of ?ormqr's and ?ormlq's blocked path with their largest block, 64, and its block
/// reflector, for `count` columns of U (rows of Vᵀ). Their own workspace query leaves the block
/// reflector out, and they then fall back to one reflector at a time.
static long ST_NAME(gs_work)(int count) { return (long)count * 64 + 65 * 64; }

/// U = Q U on member t's columns of U and Vᵀ = Vᵀ Pᵀ on its rows of Vᵀ, with its own copy of the
/// reflectors past member 0 (?ormbr writes into them while it runs on small matrices).
static void ST_NAME(gs_member)(void *context, int t) {
  ST_NAME(gs_shared) *s = context;
  const int n = s->n, lo = (int)((long)n * t / s->team.members), hi = (int)((long)n * (t + 1) / s->team.members);
  const int count = hi - lo;
  if (count <= 0) return;
  ST_T *work = s->space + (long)t * s->slot, *a = (ST_T *)s->a;
  if (t > 0) {
    a = work + ST_NAME(gs_work)(n);
    for (long i = 0; i < (long)n * n; i++) a[i] = s->a[i];
  }
  const long lwork = ST_NAME(gs_work)(count);
  ST_ORMBR(LAPACK_COL_MAJOR, 'Q', 'L', 'N', n, count, n, a, n, s->tauq, s->u + (long)lo * n, n, work, (int)lwork);
  ST_ORMBR(LAPACK_COL_MAJOR, 'P', 'R', 'T', count, n, n, a, n, s->taup, s->vt + lo, n, work, (int)lwork);
}

int ST_NAME(kindling_gesdd_square)(char jobz, int n, ST_T *a, ST_T *s, ST_T *u, ST_T *vt, int threads) {
  // ?gesdd scales a matrix whose largest magnitude lies outside [√safmin / eps, its inverse].
  ST_T largest = 0;
  for (long i = 0; i < (long)n * n; i++) {
    const ST_T magnitude = ST_ABS(a[i]);
    if (magnitude != magnitude) return KINDLING_USE_GESDD;
    if (magnitude > largest) largest = magnitude;
  }
  const ST_T smallest = ST_SQRT(ST_MIN_NORMAL) / ST_EPSILON;
  if (largest != 0 && (largest < smallest || largest > 1 / smallest)) return KINDLING_USE_GESDD;
  if (threads < 1 || n < GS_TEAM_ORDER) threads = 1;
  const int vectors = jobz != 'N' && jobz != 'n';
  // e, tauq, taup, the unblocked reduction's work (2n), then ?bdsdc's (3n² + 4n with vectors,
  // 4n without) or one member's ?ormbr.
  const long bdsdcWork = vectors ? 3L * n * n + 4L * n : 4L * n, ormbrWork = ST_NAME(gs_work)(n);
  const long lwork = bdsdcWork > ormbrWork ? bdsdcWork : ormbrWork;
  ST_T *scratch = malloc(sizeof(ST_T) * (5L * n + lwork));
  int *iwork = malloc(sizeof(int) * 8L * n);
  if (!scratch || !iwork) {
    free(scratch);
    free(iwork);
    return KINDLING_USE_GESDD;
  }
  ST_T *e = scratch, *tauq = scratch + n, *taup = scratch + 2L * n, *work = scratch + 5L * n;
  int info = 0;
  if (n <= GB_NX) {
    ST_NAME(kindling_gebrd_upper)(n, n, a, n, s, e, tauq, taup, scratch + 3L * n);
  } else {
    info = ST_NAME(kindling_gebrd_blocked)(n, n, a, n, s, e, tauq, taup, n >= GS_TEAM_REDUCTION ? threads : 1);
  }
  if (info != 0) {
    info = KINDLING_USE_GESDD;
  } else if (!vectors) {
    info = ST_BDSDC(LAPACK_COL_MAJOR, 'U', 'N', n, s, e, work, 1, work, 1, NULL, NULL, work, iwork);
  } else {
    info = threads > 1 ? ST_NAME(kindling_bdsdc_split)(n, s, e, u, vt) : KINDLING_USE_GESDD;
    if (info == KINDLING_USE_GESDD) {
      info = ST_BDSDC(LAPACK_COL_MAJOR, 'U', 'I', n, s, e, u, n, vt, n, NULL, NULL, work, iwork);
    }
    if (info == 0) {
      // Every member's work and reflectors, or (out of memory) one member in `work`.
      const long slot = ormbrWork + (long)n * n;
      ST_T *space = threads > 1 ? malloc(sizeof(ST_T) * threads * slot) : NULL;
      ST_NAME(gs_shared) shared = {
          .n = n, .a = a, .tauq = tauq, .taup = taup, .u = u, .vt = vt, .space = space ? space : work, .slot = slot};
      kindling_team_run(space ? threads : 1, kindling_team_patience(n), kindling_team_setup, ST_NAME(gs_member), &shared);
      free(space);
    }
  }
  free(scratch);
  free(iwork);
  return info;
}
