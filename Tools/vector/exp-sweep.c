// exp-sweep: checks exp's intrinsics loop for this CPU (AVX-512, else AVX2) against the portable
// loop on all 2^32 float32 inputs (alternate 16M-element chunks in place) and on blocks that mix
// inputs inside and outside the fast range [-86, 86] at every length up to 300, then times the
// loops on one thread, in place. No Swift needed, so it runs where the tests cannot (the device
// machine of Tools/gpu/device-check.sh, an AVX-512 Xeon):
//
//   V=Packages/CKindlingVector
//   clang -O2 -static -I$V/include Tools/vector/exp-sweep.c $V/exp_avx512.c $V/exp_avx2.c \
//     $V/vector_kernels.c -lm -o exp-sweep && ./exp-sweep      # exit status 2 if any bit differs
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include "CKindlingVector.h"
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef void loop_t(const float*, float*, long);
static long compare(loop_t *f, const float *x, long n, int inplace, float *a, float *b) {
  kindling_exp_f32_portable(x, a, n);
  if (inplace) { memcpy(b, x, n * 4); f(b, b, n); } else f(x, b, n);
  long bad = 0;
  for (long i = 0; i < n; i++) if (memcmp(a + i, b + i, 4)) { if (bad < 3) printf("  differs at x=%a (bits %08x)\n", x[i], ((uint32_t*)x)[i]); bad++; }
  return bad;
}
int main(void) {
  int wide = kindling_vector_isa_avx512();
  loop_t *f = wide ? kindling_exp_f32_avx512 : kindling_exp_f32_avx2;
  printf("testing the %s loop\n", wide ? "AVX-512" : "AVX2");
  long chunk = 1L << 24;
  float *x = aligned_alloc(64, chunk * 4), *a = aligned_alloc(64, chunk * 4), *b = aligned_alloc(64, chunk * 4);
  long bad = 0;
  double t0 = now();
  for (uint64_t start = 0; start < (1ULL << 32); start += chunk) {
    for (long i = 0; i < chunk; i++) { uint32_t bits = (uint32_t)(start + i); memcpy(x + i, &bits, 4); }
    bad += compare(f, x, chunk, (start >> 24) & 1, a, b);
  }
  printf("all 2^32 bit patterns (alternate chunks in place): %ld differ from the portable loop (%.1f s)\n", bad, now() - t0);
  // Mixed blocks: in-range values with an outside value every period-th place, every length up to 300, in place and not.
  float outside[] = {__builtin_nanf(""), __builtin_inff(), -__builtin_inff(), 88.8f, -103.99f, -87.5f, 86.5f, -100.f, 86.00001f, -86.00001f};
  long mixed = 0;
  for (int period = 1; period <= 200; period += (period < 70 ? 1 : 13)) {
    long n = 4111;
    for (long i = 0; i < n; i++) x[i] = (i % period == period - 1) ? outside[(i / period) % 10] : (float)(i % 341) * 0.5f - 85.f;
    for (long len = 1; len <= 300; len++) { mixed += compare(f, x, len, 0, a, b); mixed += compare(f, x, len, 1, a, b); }
    mixed += compare(f, x, n, 0, a, b) + compare(f, x, n, 1, a, b);
  }
  printf("mixed blocks, every length to 300, in place and not: %ld differ\n", mixed);
  // Speed, one thread, in place on values in [-5, 5].
  long sizes[] = {1L << 16, 1L << 20, 1L << 24};
  loop_t *loops[] = {kindling_exp_f32_portable, f};
  const char *names[] = {"portable", wide ? "avx512" : "avx2"};
  for (int s = 0; s < 3; s++) {
    long n = sizes[s];
    for (int l = 0; l < 2; l++) {
      double best = 1e9;
      int reps = n <= (1L << 20) ? 200 : 10;
      for (int r = 0; r < reps; r++) {
        for (long i = 0; i < n; i++) b[i] = (float)((i % 1000) - 500) * 0.01f;
        double t = now(); loops[l](b, b, n); double d = now() - t; if (d < best) best = d;
      }
      printf("n=%ld %-14s %.3f ns/element\n", n, names[l], best * 1e9 / n);
    }
  }
  return (bad || mixed) ? 2 : 0;
}
