// C = Q C for the Q of the upper tridiagonal reduction (LAPACK's ?ormtr with side L, uplo U,
// trans N, which calls ?ormql), for one element type, split across a team, included by
// reductions.c once per type with ST_LARFT and ST_LARFB (LAPACKE's ?larft_work, ?larfb_work).
//
// ?ormql forms the triangular factor T of each block of nb reflectors (?larft, matrix-vector
// products) and applies the block to C (?larfb, matrix products). Split by columns of C, every
// member would form every T again; here the members form the T's of alternate blocks first,
// then each applies all blocks in order to its own columns. Each column gets ?ormql's
// arithmetic in ?ormql's order, so the result does not depend on the split.

/// Reflectors per block (?ormql's largest, ilaenv's 64 for these routines).
#define ST_OT_BLOCK 64

typedef struct {
  kindling_team_state team;
  int n, lda, ldc, blocks;
  const ST_T *a, *tau;
  ST_T *c, *t, *work;
  int info[KINDLING_TEAM_MAX];
} ST_NAME(ot_shared);

static void ST_NAME(ot_member)(void *context, int member) {
  ST_NAME(ot_shared) *s = context;
  const int k = s->n - 1, members = s->team.members;
  // Reflector j (0-based) of the reduction is column j + 1 of a, nonzero in rows 0...j, its
  // element j one (?ormql's view: the (n−1)×(n−1) matrix from column 1).
  const ST_T *v = s->a + s->lda;
  for (int b = member; b < s->blocks; b += members) {
    const int first = b * ST_OT_BLOCK, count = k - first < ST_OT_BLOCK ? k - first : ST_OT_BLOCK;
    ST_LARFT(LAPACK_COL_MAJOR, 'B', 'C', first + count, count, (ST_T *)v + (long)first * s->lda, s->lda,
             s->tau + first, s->t + (long)b * ST_OT_BLOCK * ST_OT_BLOCK, ST_OT_BLOCK);
  }
  kindling_team_wait(&s->team.barrier);
  const int lo = (int)((long)s->n * member / members), hi = (int)((long)s->n * (member + 1) / members);
  if (hi <= lo) return;
  ST_T *work = s->work + (long)lo * ST_OT_BLOCK;
  s->info[member] = 0;
  for (int b = 0; b < s->blocks && s->info[member] == 0; b++) {
    const int first = b * ST_OT_BLOCK, count = k - first < ST_OT_BLOCK ? k - first : ST_OT_BLOCK;
    s->info[member] = ST_LARFB(LAPACK_COL_MAJOR, 'L', 'N', 'B', 'C', first + count, hi - lo, count,
                               v + (long)first * s->lda, s->lda, s->t + (long)b * ST_OT_BLOCK * ST_OT_BLOCK,
                               ST_OT_BLOCK, s->c + (long)lo * s->ldc, s->ldc, work, hi - lo);
  }
}

int ST_NAME(kindling_ormtr_upper)(int n, const ST_T *a, int lda, const ST_T *tau, ST_T *c, int ldc, int threads) {
  if (n <= 1) return 0;
  const int blocks = (n - 1 + ST_OT_BLOCK - 1) / ST_OT_BLOCK;
  // The blocks' T factors, then a workspace of ST_OT_BLOCK rows per column of C.
  ST_T *space = malloc(sizeof(ST_T) * ((size_t)blocks * ST_OT_BLOCK * ST_OT_BLOCK + (size_t)n * ST_OT_BLOCK));
  if (!space) return -1;
  ST_NAME(ot_shared) s = {.n = n, .lda = lda, .ldc = ldc, .blocks = blocks, .a = a, .tau = tau, .c = c, .t = space};
  s.work = space + (long)blocks * ST_OT_BLOCK * ST_OT_BLOCK;
  const int members =
      kindling_team_run(threads, kindling_team_patience(n), kindling_team_setup, ST_NAME(ot_member), &s);
  int info = 0;
  for (int m = 0; m < members && info == 0; m++) info = s.info[m];
  free(space);
  return info;
}
