// The merge step of the symmetric tridiagonal divide and conquer, LAPACK's ?laed1, for one element
// type, split across a team of threads, included by reductions.c once per type with ST_LAED2,
// ST_LAED4 and ST_LAMRG (LAPACK's Fortran entry points) and ST_NRM2, ST_GEMM defined.
//
// ?laed1 deflates (?laed2), then ?laed3 finds the k roots of the secular equation one by one
// (?laed4), rebuilds the weights and the eigenvectors of the rank-one update from them, and
// multiplies those into the halves' eigenvectors (two GEMMs). Here ?laed3's loops are split:
// the roots and the eigenvector columns by column ranges, the weights by row ranges, the GEMMs
// by column blocks, all independent, with ?laed3's arithmetic in its order; the roots come from
// Kindling's vectorized solver (secular_template.h), so results agree with ?laed1's to rounding.

/// What the members of one merge share: ?laed3's arguments and two copies for the GEMMs.
typedef struct {
  kindling_team_state team;
  int k, n, n1, ldq;
  ST_T *d, *q, *dlamda, *q2, *w, *s, *products;
  ST_T rho;
  const int *indx, *ctot;
  int info[KINDLING_TEAM_MAX];
} ST_NAME(le_shared);

KINDLING_MULTIVERSION static void ST_NAME(le_member)(void *context, int t) {
  ST_NAME(le_shared) *s = context;
  const int k = s->k, ldq = s->ldq, members = s->team.members;
  const int lo = (int)((long)k * t / members), hi = (int)((long)k * (t + 1) / members);
  ST_T *q = s->q, *dlamda = s->dlamda, *w = s->w;
  // The roots: column j of Q gets the differences dlamda(i) - root j.
  s->info[t] = 0;
  for (int j = lo; j < hi && s->info[t] == 0; j++) {
    s->info[t] = ST_NAME(kindling_secular_root)(k, j, dlamda, w, s->rho, q + (long)j * ldq, s->d + j);
  }
  kindling_team_wait(&s->team.barrier);
  for (int m = 0; m < members; m++) {
    if (s->info[m] != 0) return;
  }
  if (k >= 3) {
    // The updated weights, rows [lo, hi): w(i) = Q(i,i) ∏_{j≠i} Q(i,j) / (dlamda(i) - dlamda(j)),
    // then its square root with the sign of the old weight.
    ST_T *updated = s->products;
    for (int i = lo; i < hi; i++) updated[i] = q[i + (long)i * ldq];
    for (int j = 0; j < k; j++) {
      const ST_T *column = q + (long)j * ldq;
      const ST_T pole = dlamda[j];
      // Rows below j, then above it (row j keeps its diagonal factor): loops without a branch.
      const int below = hi < j ? hi : j, above = lo > j + 1 ? lo : j + 1;
      for (int i = lo; i < below; i++) updated[i] = updated[i] * (column[i] / (dlamda[i] - pole));
      for (int i = above; i < hi; i++) updated[i] = updated[i] * (column[i] / (dlamda[i] - pole));
    }
    for (int i = lo; i < hi; i++) {
      const ST_T root = ST_SQRT(-updated[i]);
      w[i] = w[i] < 0 ? -root : root;
    }
    // Every row of Q read, every weight written, before the columns are overwritten.
    kindling_team_wait(&s->team.barrier);
    // The eigenvectors of the rank-one update, columns [lo, hi), each normalized.
    ST_T *own = s->s + (long)t * k;
    for (int j = lo; j < hi; j++) {
      ST_T *column = q + (long)j * ldq;
      for (int i = 0; i < k; i++) own[i] = w[i] / column[i];
      const ST_T norm = ST_NRM2(k, own, 1);
      for (int i = 0; i < k; i++) column[i] = own[s->indx[i] - 1] / norm;
    }
  } else if (k == 2) {
    for (int j = lo; j < hi; j++) {
      ST_T *column = q + (long)j * ldq;
      const ST_T first = column[0], second = column[1];
      column[0] = s->indx[0] == 1 ? first : second;
      column[1] = s->indx[1] == 1 ? first : second;
    }
  }
  // The updated eigenvectors on columns [lo, hi): the halves' (Q2) times those of the update.
  const int count = hi - lo;
  if (count <= 0) return;
  const int n1 = s->n1, n2 = s->n - n1, n12 = s->ctot[0] + s->ctot[1], n23 = s->ctot[1] + s->ctot[2];
  ST_T *copy = s->products + (long)k + (long)lo * (n12 > n23 ? n12 : n23);
  for (int j = 0; j < count; j++) {
    for (int i = 0; i < n23; i++) copy[i + (long)j * n23] = q[s->ctot[0] + i + (long)(lo + j) * ldq];
  }
  if (n23 != 0) {
    ST_GEMM(CblasColMajor, CblasNoTrans, CblasNoTrans, n2, count, n23, 1, s->q2 + (long)n1 * n12, n2, copy, n23, 0,
            q + n1 + (long)lo * ldq, ldq);
  } else {
    for (int j = 0; j < count; j++) {
      for (int i = 0; i < n2; i++) q[n1 + i + (long)(lo + j) * ldq] = 0;
    }
  }
  for (int j = 0; j < count; j++) {
    for (int i = 0; i < n12; i++) copy[i + (long)j * n12] = q[i + (long)(lo + j) * ldq];
  }
  if (n12 != 0) {
    ST_GEMM(CblasColMajor, CblasNoTrans, CblasNoTrans, n1, count, n12, 1, s->q2, n1, copy, n12, 0,
            q + (long)lo * ldq, ldq);
  } else {
    for (int j = 0; j < count; j++) {
      for (int i = 0; i < n1; i++) q[i + (long)(lo + j) * ldq] = 0;
    }
  }
}

int ST_NAME(kindling_laed1)(int n, ST_T *d, ST_T *q, int ldq, int *indxq, ST_T rho, int cutpnt, int threads) {
  if (n == 0) return 0;
  // ?laed1's workspace (z, dlamda, w, q2: 3n + n²; four integer arrays of n), then the members'
  // vectors (k each), the updated weights (k) and the GEMMs' copies of Q (n columns of n).
  if (threads < 1) threads = 1;
  if (threads > KINDLING_TEAM_MAX) threads = KINDLING_TEAM_MAX;
  ST_T *work = malloc(sizeof(ST_T) * (3L * n + (long)n * n + (long)threads * n + n + (long)n * n));
  int *iwork = malloc(sizeof(int) * 4L * n);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return -1;
  }
  ST_T *z = work, *dlamda = work + n, *w = work + 2L * n, *q2 = work + 3L * n;
  int *indx = iwork, *indxc = iwork + n, *coltyp = iwork + 2L * n, *indxp = iwork + 3L * n;
  for (int i = 0; i < cutpnt; i++) z[i] = q[(cutpnt - 1) + (long)i * ldq];
  for (int i = cutpnt; i < n; i++) z[i] = q[cutpnt + (long)i * ldq];
  int k = 0, info = 0, nn = n, ld = ldq, cut = cutpnt;
  ST_LAED2(&k, &nn, &cut, d, q, &ld, indxq, &rho, z, dlamda, w, q2, indx, indxc, indxp, coltyp, &info);
  if (info == 0 && k != 0) {
    ST_NAME(le_shared) s = {.k = k, .n = n, .n1 = cutpnt, .ldq = ldq, .d = d, .q = q, .dlamda = dlamda, .q2 = q2,
                            .w = w, .rho = rho, .indx = indxc, .ctot = coltyp};
    s.s = q2 + (long)n * n;
    s.products = s.s + (long)threads * n;
    const int members = kindling_team_run(threads, kindling_team_patience(n), kindling_team_setup, ST_NAME(le_member), &s);
    for (int m = 0; m < members && info == 0; m++) info = s.info[m];
    if (info == 0) {
      int n1 = k, n2 = n - k, one = 1, minus = -1;
      ST_LAMRG(&n1, &n2, d, &one, &minus, indxq);
    }
  } else if (info == 0) {
    for (int i = 0; i < n; i++) indxq[i] = i + 1;
  }
  free(work);
  free(iwork);
  return info;
}
