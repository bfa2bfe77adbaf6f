// exp-sweep: checks exp's loops on all 2^32 float32 inputs (alternate 16M-element chunks in
// place): the portable loop against exp in double precision (at most 1 ulp of the float result,
// of 2^-149 where that is subnormal; inf and NaN where the rounding gives them), and each intrinsics
// loop this CPU runs against the portable loop, bit for bit: AVX-512 where the CPU has it, AVX2,
// and exp_in_range.h on 16 lanes compiled for AVX2 (the AVX-512 loop's arithmetic, all but its
// `vpermilps`, on CPUs without AVX-512). Also blocks that mix inputs inside and outside the fast
// range [-86, 86] at every length up to 300, in place and not; then times the loops on one
// thread, in place. No Swift needed, so it runs where the tests cannot (the device machine of
// Tools/gpu/device-check.sh, an AVX-512 Xeon):
//
//   V=Packages/CKindlingVector
//   clang -O2 -static -I$V -I$V/include Tools/vector/exp-sweep.c $V/exp_avx512.c $V/exp_avx2.c \
//     $V/vector_kernels.c -lm -o exp-sweep && ./exp-sweep      # exit status 2 if any check fails
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include "CKindlingVector.h"

#if defined(__x86_64__) && defined(__clang__)
#define EXP_LANES 16
#define EXP_TARGET __attribute__((target("avx2,fma")))
#define EXP_LOOKUP(table, k)                                                      \
  ({                                                                              \
    exp_floats picked;                                                            \
    for (int lane = 0; lane < 16; lane++) picked[lane] = (table)[(lane & ~3) | ((k)[lane] & 3)]; \
    picked;                                                                       \
  })
#define EXP_LOOP exp_16_lanes_on_avx2
#pragma clang diagnostic ignored "-Wpsabi"  // 16-lane vectors between static functions only
#include "exp_in_range.h"
#endif

static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef void loop_t(const float*, float*, long);
typedef struct { const char *name; loop_t *loop; long differ, mixed; } checked_loop;

// Distance from exp(x) in units of the last place of its float rounding, 2^-149 where that is
// subnormal or 0; inf and NaN must be what the rounding gives.
static double ulps(float got, float x) {
  double exact = exp((double)x);
  float rounded = (float)exact;
  if (x != x) return got != got ? 0 : 1e9;
  if (isinf(rounded)) return isinf(got) ? 0 : 1e9;
  int e;
  frexp(rounded, &e);
  return fabs((double)got - exact) / ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
}

static long compare(loop_t *f, const float *x, long n, int inplace, const float *a, float *b) {
  if (inplace) { memcpy(b, x, n * 4); f(b, b, n); } else f(x, b, n);
  long bad = 0;
  for (long i = 0; i < n; i++) if (memcmp(a + i, b + i, 4)) { if (bad < 3) printf("  differs at x=%a (bits %08x)\n", x[i], ((uint32_t*)x)[i]); bad++; }
  return bad;
}

int main(void) {
  checked_loop loops[3];
  int count = 0;
  if (kindling_vector_isa_avx512()) loops[count++] = (checked_loop){"AVX-512", kindling_exp_f32_avx512, 0, 0};
#if defined(__x86_64__) && defined(__clang__)
  if (kindling_vector_isa_avx2()) {
    loops[count++] = (checked_loop){"AVX2", kindling_exp_f32_avx2, 0, 0};
    loops[count++] = (checked_loop){"16 lanes on AVX2", exp_16_lanes_on_avx2, 0, 0};
  }
#endif
  long chunk = 1L << 24;
  float *x = aligned_alloc(64, chunk * 4), *a = aligned_alloc(64, chunk * 4), *b = aligned_alloc(64, chunk * 4);
  double worst = 0; float worst_x = 0;
  double t0 = now();
  for (uint64_t start = 0; start < (1ULL << 32); start += chunk) {
    for (long i = 0; i < chunk; i++) { uint32_t bits = (uint32_t)(start + i); memcpy(x + i, &bits, 4); }
    kindling_exp_f32_portable(x, a, chunk);
    for (long i = 0; i < chunk; i++) { double u = ulps(a[i], x[i]); if (u > worst) { worst = u; worst_x = x[i]; } }
    for (int l = 0; l < count; l++) loops[l].differ += compare(loops[l].loop, x, chunk, (start >> 24) & 1, a, b);
  }
  printf("all 2^32 inputs (%.1f s): the portable loop at most %.3f ulp from the correctly rounded result (at x = %a)\n",
         now() - t0, worst, worst_x);
  // Mixed blocks: in-range values with an outside value every period-th place, every length up to 300, in place and not.
  float outside[] = {__builtin_nanf(""), __builtin_inff(), -__builtin_inff(), 88.8f, -103.99f, -87.5f, 86.5f, -100.f, 86.00001f, -86.00001f};
  for (int period = 1; period <= 200; period += (period < 70 ? 1 : 13)) {
    long n = 4111;
    for (long i = 0; i < n; i++) x[i] = (i % period == period - 1) ? outside[(i / period) % 10] : (float)(i % 341) * 0.5f - 85.f;
    kindling_exp_f32_portable(x, a, n);
    for (int l = 0; l < count; l++) {
      for (long len = 1; len <= 300; len++) loops[l].mixed += compare(loops[l].loop, x, len, 0, a, b) + compare(loops[l].loop, x, len, 1, a, b);
      loops[l].mixed += compare(loops[l].loop, x, n, 0, a, b) + compare(loops[l].loop, x, n, 1, a, b);
    }
  }
  int failed = worst > 1.0;
  for (int l = 0; l < count; l++) {
    printf("%-17s loop: %ld of the 2^32 inputs and %ld in mixed blocks differ from the portable loop\n", loops[l].name, loops[l].differ, loops[l].mixed);
    failed |= loops[l].differ || loops[l].mixed;
  }
  // Speed, one thread, in place on values in [-5, 5].
  long sizes[] = {1L << 16, 1L << 20, 1L << 24};
  for (int s = 0; s < 3; s++) {
    long n = sizes[s];
    for (int l = -1; l < count; l++) {
      loop_t *f = l < 0 ? kindling_exp_f32_portable : loops[l].loop;
      double best = 1e9;
      int reps = n <= (1L << 20) ? 200 : 10;
      for (int r = 0; r < reps; r++) {
        for (long i = 0; i < n; i++) b[i] = (float)((i % 1000) - 500) * 0.01f;
        double t = now(); f(b, b, n); double d = now() - t; if (d < best) best = d;
      }
      printf("n=%-9ld %-17s %.3f ns/element\n", n, l < 0 ? "portable" : loops[l].name, best * 1e9 / n);
    }
  }
  return failed ? 2 : 0;
}
