// Private C kernels of KindlingLinalg that replace LAPACK routines where OpenBLAS's LAPACK (the
// reference one over its BLAS) is slow: LU with partial pivoting, recursive, on row-major
// matrices, with its products in OpenBLAS's GEMM, and the solve from its factors. See lu.c.
#pragma once

/// The panel width below which the recursive LU stops splitting and factors columns one by one;
/// `work` must hold `m * KINDLING_LU_PANEL` elements.
#define KINDLING_LU_PANEL 16

/// LU factorization with partial pivoting of the row-major `m`×`n` matrix `a` (row stride `lda`),
/// in place: `P A = L U`, with L's unit diagonal implied, exactly what LAPACK's `?getrf` computes
/// for the same matrix, up to rounding. `ipiv` gets LAPACK's `min(m, n)` 1-based pivots (row `i`
/// was interchanged with row `ipiv[i]`). Returns LAPACK's `info`: 0, or `i` when `U[i-1, i-1]`
/// is exactly zero (the first such; the factorization is completed all the same).
int kindling_getrf_f32(int m, int n, float *a, int lda, int *ipiv, float *work);
/// ``kindling_getrf_f32`` for float64.
int kindling_getrf_f64(int m, int n, double *a, int lda, int *ipiv, double *work);

/// Solves `A X = B` (`transpose` 0) or `Aᵀ X = B` (`transpose` 1) in place in `b` (column-major
/// `n`×`k`, column stride `n`) from ``kindling_getrf_f32``'s row-major factors (`lu`, `n`×`n`) and
/// 1-based pivots of `A`: LAPACK's `?getrs`, for factors stored by rows.
int kindling_getrs_f32(int transpose, int n, int k, const float *lu, const int *ipiv, float *b);
/// ``kindling_getrs_f32`` for float64.
int kindling_getrs_f64(int transpose, int n, int k, const double *lu, const int *ipiv, double *b);

/// LAPACK's `?sytrd` with uplo `U` on the column-major `n`×`n` symmetric matrix `a` (upper
/// triangle read; the lower one is overwritten): `d`, `e`, `tau` and the reflectors above the
/// superdiagonal, exactly LAPACK's layout, up to rounding. Unblocked on the full matrix: faster
/// than OpenBLAS's `?sytrd` for small `n` (see reductions.c).
void kindling_sytrd_upper_f32(int n, float *a, int lda, float *d, float *e, float *tau);
/// ``kindling_sytrd_upper_f32`` for float64.
void kindling_sytrd_upper_f64(int n, double *a, int lda, double *d, double *e, double *tau);
/// ``kindling_sytrd_upper_f32`` with uplo `L`: the lower triangle read, the reflectors below the
/// subdiagonal, as LAPACK's `?sytrd` with uplo `L` leaves them.
void kindling_sytrd_lower_f32(int n, float *a, int lda, float *d, float *e, float *tau);
/// ``kindling_sytrd_lower_f32`` for float64.
void kindling_sytrd_lower_f64(int n, double *a, int lda, double *d, double *e, double *tau);
/// ``kindling_sytrd_upper_f32`` for `uplo` `'U'`, ``kindling_sytrd_lower_f32`` otherwise.
void kindling_sytrd_f32(char uplo, int n, float *a, int lda, float *d, float *e, float *tau);
/// ``kindling_sytrd_f32`` for float64.
void kindling_sytrd_f64(char uplo, int n, double *a, int lda, double *d, double *e, double *tau);

/// LAPACK's `?sytrd` with uplo `U`, blocked as `?sytrd` is (panels of 32 columns from the last
/// one), split across `threads` threads: each owns a range of the leading block's columns in
/// every product. The same output as ``kindling_sytrd_upper_f32``, up to rounding: the upper
/// triangle is read, and the lower one overwritten in the first columns (the unblocked ones). Returns 0, or -1 (nothing done) when memory ran out.
int kindling_sytrd_blocked_upper_f32(int n, float *a, int lda, float *d, float *e, float *tau, int threads);
/// ``kindling_sytrd_blocked_upper_f32`` for float64.
int kindling_sytrd_blocked_upper_f64(int n, double *a, int lda, double *d, double *e, double *tau, int threads);

/// Root `i` (0-based) of the secular equation `1/rho + Σ_j z_j² / (d_j − λ) = 0` of order `k`
/// (`d` ascending, `rho` > 0, `‖z‖` = 1), LAPACK's `?laed4`: λ into `*lambda` and the
/// differences `d_j − λ` into `delta` (`k` elements). Its passes over the `k` terms vectorize
/// (reassociated sums), so λ agrees with `?laed4`'s to rounding, not bit for bit; a root not
/// found in 40 steps, and `k` ≤ 2, are `?laed4`'s. Returns `?laed4`'s `info`.
int kindling_secular_root_f32(int k, int i, const float *d, const float *z, float rho, float *delta, float *lambda);
/// ``kindling_secular_root_f32`` for float64.
int kindling_secular_root_f64(int k, int i, const double *d, const double *z, double rho, double *delta,
                              double *lambda);

/// LAPACK's `?laed1`, the merge step of the symmetric tridiagonal divide and conquer, with its
/// secular equation (``kindling_secular_root_f32``), weights, eigenvectors and products split
/// across `threads` threads: on entry `d` and the two diagonal blocks of `q` (`n`×`n`, leading
/// dimension `ldq`) hold the eigensystems of the halves split at `cutpnt`, `indxq` their
/// ascending orders (1-based, each half from its own start); on exit the merged ones, unsorted,
/// with `indxq` their ascending order; the same as `?laed1`'s up to rounding. `?laed1`'s `info`,
/// or -1 (nothing done) when memory ran out.
int kindling_laed1_f32(int n, float *d, float *q, int ldq, int *indxq, float rho, int cutpnt, int threads);
/// ``kindling_laed1_f32`` for float64.
int kindling_laed1_f64(int n, double *d, double *q, int ldq, int *indxq, double rho, int cutpnt, int threads);

/// The eigenvalues (over `d`, ascending) and eigenvectors (into `z`, `n`×`n`, leading dimension
/// `ldz`) of the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`
/// (overwritten): LAPACK's `?stedc` with `compz` `I`, in Kindling's divide and conquer. Every
/// merge is ``kindling_laed1_f32``; the two halves of the top cut are solved at once on a team
/// of two (when `threads` > 1), and the top merge splits across `threads` from order 256. The
/// same eigensystem as `?stedc`'s up to rounding. Returns 0, `?steqr`'s or `?laed1`'s `info`,
/// -1 (nothing usable) when memory ran out, or -2 (nothing done) when the matrix holds a NaN
/// or infinity or is zero.
int kindling_stedc_f32(int n, float *d, float *e, float *z, int ldz, int threads);
/// ``kindling_stedc_f32`` for float64.
int kindling_stedc_f64(int n, double *d, double *e, double *z, int ldz, int threads);

/// `C = Q C` for the `Q` of the upper tridiagonal reduction (`?sytrd`'s reflectors in `a`,
/// leading dimension `lda`, and `tau`) and the `n`×`n` matrix `c` (leading dimension `ldc`):
/// LAPACK's `?ormtr` with side `L`, uplo `U`, trans `N`, split across `threads` by columns of `c`
/// after the members form the blocks' triangular factors (`?larft`) once between them. Each
/// column gets `?ormql`'s arithmetic. `a` is only read. Returns 0, `?larfb`'s `info`, or -1
/// (nothing done) when memory ran out.
int kindling_ormtr_upper_f32(int n, const float *a, int lda, const float *tau, float *c, int ldc, int threads);
/// ``kindling_ormtr_upper_f32`` for float64.
int kindling_ormtr_upper_f64(int n, const double *a, int lda, const double *tau, double *c, int ldc, int threads);

/// LAPACK's `?gebrd` for a column-major `m`×`n` matrix with `m >= n` (upper bidiagonal): `d`, `e`,
/// `tauq`, `taup` and the reflectors in `a`, LAPACK's layout, up to rounding. Unblocked, as
/// `?gebrd` itself runs below order 128, with vectorized loops. `work` holds `m + n` elements.
void kindling_gebrd_upper_f32(int m, int n, float *a, int lda, float *d, float *e, float *tauq, float *taup,
                              float *work);
/// ``kindling_gebrd_upper_f32`` for float64.
void kindling_gebrd_upper_f64(int m, int n, double *a, int lda, double *d, double *e, double *tauq, double *taup,
                              double *work);

/// LAPACK's `?gebrd` for a column-major `m`×`n` matrix with `m >= n`, blocked as `?gebrd` is
/// (panels of 32 columns, the last 128 unblocked), split across `threads` threads: each owns a
/// range of the trailing columns in every product. The same output as
/// ``kindling_gebrd_upper_f32``, up to rounding. Returns 0, or -1 (nothing done) when memory ran
/// out.
int kindling_gebrd_blocked_f32(int m, int n, float *a, int lda, float *d, float *e, float *tauq, float *taup,
                               int threads);
/// ``kindling_gebrd_blocked_f32`` for float64.
int kindling_gebrd_blocked_f64(int m, int n, double *a, int lda, double *d, double *e, double *tauq, double *taup,
                               int threads);

/// Runs `chunk(argument, t)` for t = 0..<chunks, t = 0 on the calling thread, in parallel as far
/// as it can, and returns when all are done: Kindling's worker pool, for the kernels that split
/// across threads.
typedef void (*kindling_team_runner)(int chunks, void (*chunk)(void *argument, int t), void *argument);

/// Registers the runner of the kernels' thread teams (once, before their first call; without one
/// they start threads of their own per call, which can take a millisecond to be scheduled).
void kindling_team_use(kindling_team_runner runner);

/// What the SVD kernels return when the matrix needs what only LAPACK's own driver does
/// (scaling, a NaN, a split of the bidiagonal matrix) or memory ran out: call it instead.
#define KINDLING_USE_GESDD (-1000)

/// LAPACK's `?bdsdc` with uplo `U` and compq `I` on the `n`×`n` upper bidiagonal matrix `d`, `e`
/// (overwritten): the singular values descending in `d`, the vectors in `u` and `vt` (`n`×`n`,
/// column-major). Its top divide-and-conquer step is taken here, the two halves solved on two
/// threads. `?bdsdc`'s `info`, or ``KINDLING_USE_GESDD`` (nothing done).
int kindling_bdsdc_split_f32(int n, float *d, float *e, float *u, float *vt);
/// ``kindling_bdsdc_split_f32`` for float64.
int kindling_bdsdc_split_f64(int n, double *d, double *e, double *u, double *vt);

/// LAPACK's `?gesdd` for a square column-major `n`×`n` matrix `a` (overwritten), `jobz` `'N'`
/// (values only) or `'S'`/`'A'` (the same for a square matrix: `u` and `vt`, `n`×`n`,
/// column-major), by its phases on up to `threads` threads: the bidiagonal reduction
/// (``kindling_gebrd_upper_f32`` to order 128, ``kindling_gebrd_blocked_f32`` above), the
/// bidiagonal SVD (``kindling_bdsdc_split_f32`` on more than one thread, else `?bdsdc`), then
/// `?ormbr` on column blocks of `U` and row blocks of `Vᵀ`. `?gesdd`'s `info`, or
/// ``KINDLING_USE_GESDD`` (with `a` untouched).
int kindling_gesdd_square_f32(char jobz, int n, float *a, float *s, float *u, float *vt, int threads);
/// ``kindling_gesdd_square_f32`` for float64.
int kindling_gesdd_square_f64(char jobz, int n, double *a, double *s, double *u, double *vt, int threads);
