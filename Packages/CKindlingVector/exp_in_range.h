// exp's intrinsics loops, one text for both vector widths: exp_avx2.c (8 lanes) and
// exp_avx512.c (16) each define, before including it,
//
//   EXP_LANES                    floats in a vector
//   EXP_TARGET                   the attribute that enables the instruction set
//   EXP_LOOKUP(table, k)         lane i: table[(i & ~3) | (k[i] & 3)] (`vpermilps`, which
//                                 picks within each 128-bit lane by the index's low two bits)
//   EXP_LOOP                     the name of the loop to define
//
// and Tools/vector/exp-sweep.c includes it once more with 16 lanes on AVX2 and EXP_LOOKUP
// written out lane by lane, to check the AVX-512 loop's arithmetic on CPUs without AVX-512.
//
// A block of four vectors whose inputs all lie in [-86, 86] needs no clamp, no selects for inf,
// 0 and NaN, and no two-step power of two: every 2^n and every result is a normal float, so
// 2^(j/4)·2^n is the table entry with n added to its exponent field, and the fused multiply-add
// that multiplies it by e^r rounds as the portable loop's does before its exact scaling by 2^n.
// The rest is the portable loop's arithmetic (vector_kernels.c's exp_one) in the same order, so
// the bits are its bits. Runs of blocks with any other input (inf, NaN, |x| > 86: a masked
// softmax's -inf, say) and the tail go to the portable loop whole. The four vectors go through
// each step together: one vector's chain of dependent fused multiply-adds leaves the units idle.
#include "CKindlingVector.h"
#include "exp_constants.h"

typedef float exp_floats __attribute__((ext_vector_type(EXP_LANES)));
typedef int exp_ints __attribute__((ext_vector_type(EXP_LANES)));

EXP_TARGET static inline exp_floats exp_load(const float *p) {
  exp_floats v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

EXP_TARGET static inline void exp_store(float *p, exp_floats v) { __builtin_memcpy(p, &v, sizeof v); }

// Whether all the block's inputs lie in [-86, 86]: the bits of |x| compared as integers, which
// puts NaN (and inf) above 86 where a float compare or max would drop a NaN.
EXP_TARGET static inline int exp_in_fast_range(const exp_floats v[4]) {
  exp_ints largest = 0;
  for (int k = 0; k < 4; k++) largest = __builtin_elementwise_max(largest, (exp_ints)v[k] & 0x7FFFFFFF);
  return !__builtin_reduce_or(largest > 0x42AC0000);
}

// e^x for a block in [-86, 86]. `scaled` is 2^(j/4)·2^n: `shifted`'s bits are 0x4B400000 + k,
// so shifting them left by 21 leaves k << 21 = (n << 23) + (j << 21), and the table holds
// 2^(j/4)'s bits less j << 21.
EXP_TARGET static inline void exp_block(const exp_floats v[4], exp_floats table, float *y) {
  exp_floats shifted[4], k[4], r[4], r2[4], q[4];
  for (int i = 0; i < 4; i++)
    shifted[i] = __builtin_elementwise_fma(v[i], (exp_floats)KINDLING_EXP_FOUR_OVER_LN2, (exp_floats)KINDLING_EXP_ROUND);
  for (int i = 0; i < 4; i++) k[i] = shifted[i] - KINDLING_EXP_ROUND;
  for (int i = 0; i < 4; i++) r[i] = __builtin_elementwise_fma(k[i], (exp_floats)-KINDLING_EXP_LN2_OVER_4_HI, v[i]);
  for (int i = 0; i < 4; i++) r[i] = __builtin_elementwise_fma(k[i], (exp_floats)-KINDLING_EXP_LN2_OVER_4_LO, r[i]);
  for (int i = 0; i < 4; i++) r2[i] = r[i] * r[i];
  for (int i = 0; i < 4; i++) q[i] = __builtin_elementwise_fma((exp_floats)KINDLING_EXP_Q2, r[i], (exp_floats)KINDLING_EXP_Q1);
  for (int i = 0; i < 4; i++) q[i] = __builtin_elementwise_fma(q[i], r[i], (exp_floats)KINDLING_EXP_Q0);
  for (int i = 0; i < 4; i++) q[i] = __builtin_elementwise_fma(q[i], r2[i], r[i]);
  for (int i = 0; i < 4; i++) {
    exp_floats scaled = (exp_floats)((exp_ints)EXP_LOOKUP(table, (exp_ints)shifted[i]) + ((exp_ints)shifted[i] << 21));
    exp_store(y + EXP_LANES * i, __builtin_elementwise_fma(scaled, q[i], scaled));
  }
}

EXP_TARGET void EXP_LOOP(const float *x, float *y, long n) {
  exp_floats table;
  for (int lane = 0; lane < EXP_LANES; lane++) {
    unsigned bits;
    __builtin_memcpy(&bits, &kindling_exp_quarter_powers[lane & 3], sizeof bits);
    bits -= (unsigned)(lane & 3) << 21;
    __builtin_memcpy((float *)&table + lane, &bits, sizeof bits);
  }
  const long block = 4 * EXP_LANES;
  long i = 0;
  while (i + block <= n) {
    exp_floats v[4];
    for (int k = 0; k < 4; k++) v[k] = exp_load(x + i + EXP_LANES * k);
    if (exp_in_fast_range(v)) {
      exp_block(v, table, y + i);
      i += block;
      continue;
    }
    // A run of blocks with an input outside the range, each read before any of it is written.
    long end = i + block;
    for (; end + block <= n; end += block) {
      for (int k = 0; k < 4; k++) v[k] = exp_load(x + end + EXP_LANES * k);
      if (exp_in_fast_range(v)) break;
    }
    kindling_exp_f32_portable(x + i, y + i, end - i);
    i = end;
  }
  if (i < n) kindling_exp_f32_portable(x + i, y + i, n - i);
}
