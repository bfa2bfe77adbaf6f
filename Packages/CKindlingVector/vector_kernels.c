#include "CKindlingVector.h"
#include "exp_constants.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define KINDLING_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KINDLING_MULTIVERSION
#endif

// No contraction of a * b + c into a fused multiply-add: both clones must give the same bits
// on every machine, so products are rounded where the source rounds them, and fused only where
// it says so with __builtin_fmaf (the FMA instruction in the AVX2 clone, libm's fmaf otherwise).
#pragma STDC FP_CONTRACT OFF

// Every loop reads element i of its inputs before it writes element i of its output, and the
// output is either the same array as an input (in-place ops) or disjoint from it, never shifted
// against it. Said to the compiler, so that the in-place call vectorizes too: without it, the
// loop's run-time overlap check sends y == x down the scalar path (5x slower for exp_).
#if defined(__clang__)
#define KINDLING_ELEMENTWISE_LOOP _Pragma("clang loop vectorize(assume_safety)")
#else
#define KINDLING_ELEMENTWISE_LOOP
#endif

static inline float bits_to_float(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

// exp_constants.h's reduction and polynomial, and 2^n applied as two exact powers of two so that
// subnormal results and results near overflow are right. No branches and no calls: the loop
// vectorizes (the table lookup is two levels of selects). The reduction and the polynomial are
// fused multiply-adds (one rounding each, and half the instructions: exp is bound by them, not
// by memory, even at 16M elements).
static inline float exp_one(float x) {
  float c = x != x ? 0.0f : fminf(fmaxf(x, -104.0f), 89.0f);
  float shifted = __builtin_fmaf(c, KINDLING_EXP_FOUR_OVER_LN2, KINDLING_EXP_ROUND);  // k in the low bits
  float k = shifted - KINDLING_EXP_ROUND;
  float r = __builtin_fmaf(k, -KINDLING_EXP_LN2_OVER_4_HI, c);
  r = __builtin_fmaf(k, -KINDLING_EXP_LN2_OVER_4_LO, r);
  float r2 = r * r;
  float q = __builtin_fmaf(KINDLING_EXP_Q2, r, KINDLING_EXP_Q1);
  q = __builtin_fmaf(q, r, KINDLING_EXP_Q0);
  q = __builtin_fmaf(q, r2, r);  // e^r - 1
  int32_t bits;
  memcpy(&bits, &shifted, sizeof bits);
  int32_t whole = bits - 0x4B400000;
  int32_t j = whole & 3, n = whole >> 2;
  const float *powers = kindling_exp_quarter_powers;
  float t = (j & 2) ? ((j & 1) ? powers[3] : powers[2]) : ((j & 1) ? powers[1] : powers[0]);
  float y = __builtin_fmaf(t, q, t);  // 2^(j/4) e^r
  int32_t half = n >> 1;
  float result = y * bits_to_float((uint32_t)(half + 127) << 23) * bits_to_float((uint32_t)(n - half + 127) << 23);
  return x != x ? x : (x > 88.72283935546875f ? INFINITY : (x < -103.97208f ? 0.0f : result));
}

KINDLING_MULTIVERSION
void kindling_exp_f32_portable(const float *x, float *y, long n) {
  KINDLING_ELEMENTWISE_LOOP
  for (long i = 0; i < n; i++) y[i] = exp_one(x[i]);
}

// kindling_exp_f32 binds its loop on its first call: exp_avx512.c's where the CPU has AVX-512,
// exp_avx2.c's where it has AVX2 and FMA, the portable loop's clones elsewhere. Not an ifunc: a
// resolver runs while the program's relocations are applied, and the portable loop is itself an
// ifunc (target_clones), whose address may not be resolved yet then. On a CPU without AVX-512 the
// release benchmark binary called a null pointer that way (an AMD EPYC; the AVX-512 loop is a
// plain function, so machines with AVX-512 never showed it). The loop pointer is written once;
// racing first calls write the same value.
static int cpu_has_avx512(void) {
#if defined(__x86_64__) && defined(__clang__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return 0;
#endif
}

typedef void exp_loop(const float *, float *, long);

void kindling_exp_f32(const float *x, float *y, long n) {
  static exp_loop *bound;
  exp_loop *loop = __atomic_load_n(&bound, __ATOMIC_RELAXED);
  if (!loop) {
    loop = cpu_has_avx512()               ? kindling_exp_f32_avx512
           : kindling_vector_isa_avx2() ? kindling_exp_f32_avx2
                                          : kindling_exp_f32_portable;
    __atomic_store_n(&bound, loop, __ATOMIC_RELAXED);
  }
  loop(x, y, n);
}

// Sixteen independent double accumulators, element i into lane i % 16, then the lanes added in a
// fixed tree: the order is the same in every clone, so the bits are too, and the lanes let the
// adds vectorize (a single running sum waits 4 cycles per element on its own chain).
#define KINDLING_LANE_SUM(T)                                      \
  double lanes[16] = {0};                                         \
  long i = 0;                                                     \
  for (; i + 16 <= n; i += 16)                                    \
    for (int k = 0; k < 16; k++) lanes[k] += (double)x[i + k];    \
  for (int k = 0; i < n; i++, k++) lanes[k] += (double)x[i];      \
  for (int width = 8; width > 0; width /= 2)                      \
    for (int k = 0; k < width; k++) lanes[k] += lanes[k + width]; \
  return lanes[0];

KINDLING_MULTIVERSION
double kindling_sum_f32(const float *x, long n) { KINDLING_LANE_SUM(float) }

KINDLING_MULTIVERSION
double kindling_sum_f64(const double *x, long n) { KINDLING_LANE_SUM(double) }

KINDLING_MULTIVERSION
void kindling_add_row_f32(const float *x, double *acc, long n) {
  KINDLING_ELEMENTWISE_LOOP
  for (long i = 0; i < n; i++) acc[i] += (double)x[i];
}

KINDLING_MULTIVERSION
void kindling_add_row_f64(const double *x, double *acc, long n) {
  KINDLING_ELEMENTWISE_LOOP
  for (long i = 0; i < n; i++) acc[i] += x[i];
}

void kindling_gather_rows(const char *source, const long long *rows, long count, long row_bytes, char *out) {
  // Rows picked at random from a large tensor miss every cache level. Prefetching the rows two
  // ahead keeps many more lines in flight than the hardware prefetcher starts on its own at
  // each row's first miss. The prefetches fill L2 (locality 2, `prefetcht1`): two rows of a
  // 28×28 float image do not fit in L1, and the non-temporal hint (locality 0) made the gather
  // slower than no prefetch at all (Zen 4, 64 rows of 3136 bytes: 18 µs against 36 µs).
  const long ahead = 2;
  for (long i = 0; i < count && i < ahead; i++)
    for (long b = 0; b < row_bytes; b += 64) __builtin_prefetch(source + rows[i] * row_bytes + b, 0, 2);
  for (long i = 0; i < count; i++) {
    if (i + ahead < count) {
      const char *next = source + rows[i + ahead] * row_bytes;
      for (long b = 0; b < row_bytes; b += 64) __builtin_prefetch(next + b, 0, 2);
    }
    memcpy(out + i * row_bytes, source + rows[i] * row_bytes, (size_t)row_bytes);
  }
}

// Transposed copies in register blocks: a block's columns are loaded as vectors from the dense
// source columns, transposed with shuffles, and stored as vectors along the destination's rows,
// so every load and store covers a whole vector. Blocks are walked in 64×64 tiles. (Element by
// element, a transposed copy strides across one side's rows, whose lines all fall in the same
// L1 set for a power-of-two row length: a 1024×1024 float32 copy took 3.7 ms, 0.4 ms this way.)
typedef uint32_t kindling_v8x32 __attribute__((vector_size(32)));
typedef uint64_t kindling_v4x64 __attribute__((vector_size(32)));

// dst[i * ldd + j] = src[i + j * ld] for an 8×8 block of 4-byte elements.
static inline __attribute__((always_inline)) void transpose_block_32(const uint32_t *src, long ld, uint32_t *dst, long ldd) {
  kindling_v8x32 r[8], a[8], b[8];
  for (int k = 0; k < 8; k++) memcpy(&r[k], src + k * ld, sizeof r[k]);
  for (int k = 0; k < 8; k += 2) {
    a[k] = __builtin_shufflevector(r[k], r[k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    a[k + 1] = __builtin_shufflevector(r[k], r[k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int k = 0; k < 8; k += 4) {
    for (int h = 0; h < 2; h++) {
      b[k + 2 * h] = __builtin_shufflevector(a[k + h], a[k + h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      b[k + 2 * h + 1] = __builtin_shufflevector(a[k + h], a[k + h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  }
  for (int k = 0; k < 4; k++) {
    kindling_v8x32 low = __builtin_shufflevector(b[k], b[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    kindling_v8x32 high = __builtin_shufflevector(b[k], b[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    memcpy(dst + k * ldd, &low, sizeof low);
    memcpy(dst + (k + 4) * ldd, &high, sizeof high);
  }
}

// dst[i * ldd + j] = src[i + j * ld] for a 4×4 block of 8-byte elements.
static inline __attribute__((always_inline)) void transpose_block_64(const uint64_t *src, long ld, uint64_t *dst, long ldd) {
  kindling_v4x64 r[4];
  for (int k = 0; k < 4; k++) memcpy(&r[k], src + k * ld, sizeof r[k]);
  kindling_v4x64 a0 = __builtin_shufflevector(r[0], r[1], 0, 4, 2, 6);
  kindling_v4x64 a1 = __builtin_shufflevector(r[0], r[1], 1, 5, 3, 7);
  kindling_v4x64 a2 = __builtin_shufflevector(r[2], r[3], 0, 4, 2, 6);
  kindling_v4x64 a3 = __builtin_shufflevector(r[2], r[3], 1, 5, 3, 7);
  kindling_v4x64 c[4] = {
    __builtin_shufflevector(a0, a2, 0, 1, 4, 5), __builtin_shufflevector(a1, a3, 0, 1, 4, 5),
    __builtin_shufflevector(a0, a2, 2, 3, 6, 7), __builtin_shufflevector(a1, a3, 2, 3, 6, 7)};
  for (int k = 0; k < 4; k++) memcpy(dst + k * ldd, &c[k], sizeof c[k]);
}

#define KINDLING_TRANSPOSE_COPY(name, T, B)                                                      \
  static inline __attribute__((always_inline)) void name(const T *src, long ld, T *dst, long ldd, long rows, long cols) { \
    const long tile = 64;                                                                        \
    for (long i1 = 0; i1 < rows; i1 += tile)                                                     \
      for (long j1 = 0; j1 < cols; j1 += tile) {                                                 \
        long i2 = i1 + tile < rows ? i1 + tile : rows, j2 = j1 + tile < cols ? j1 + tile : cols; \
        long i = i1;                                                                             \
        for (; i + B <= i2; i += B) {                                                            \
          long j = j1;                                                                           \
          for (; j + B <= j2; j += B) transpose_block_##B(src + i + j * ld, ld, dst + i * ldd + j, ldd); \
          for (; j < j2; j++)                                                                    \
            for (long k = i; k < i + B; k++) dst[k * ldd + j] = src[k + j * ld];                 \
        }                                                                                        \
        for (; i < i2; i++)                                                                      \
          for (long j = j1; j < j2; j++) dst[i * ldd + j] = src[i + j * ld];                     \
      }                                                                                          \
  }
#define transpose_block_8 transpose_block_32
#define transpose_block_4 transpose_block_64
KINDLING_TRANSPOSE_COPY(transpose_copy_32, uint32_t, 8)
KINDLING_TRANSPOSE_COPY(transpose_copy_64, uint64_t, 4)

KINDLING_MULTIVERSION
int kindling_transpose_copy(const void *src, long ld, void *dst, long ldd, long rows, long cols, long element_bytes) {
  switch (element_bytes) {
  case 4: transpose_copy_32(src, ld, dst, ldd, rows, cols); return 1;
  case 8: transpose_copy_64(src, ld, dst, ldd, rows, cols); return 1;
  default: return 0;
  }
}

KINDLING_MULTIVERSION
void kindling_relu_f32(const float *x, float *y, long n) {
  KINDLING_ELEMENTWISE_LOOP
  for (long i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

#define KINDLING_BINARY(name, expression)                                  \
  KINDLING_MULTIVERSION                                                    \
  void name(const float *a, const float *b, float *y, long n) {            \
    KINDLING_ELEMENTWISE_LOOP                                              \
    for (long i = 0; i < n; i++) y[i] = (expression);                      \
  }

KINDLING_BINARY(kindling_add_f32, a[i] + b[i])
KINDLING_BINARY(kindling_sub_f32, a[i] - b[i])
KINDLING_BINARY(kindling_mul_f32, a[i] * b[i])
KINDLING_BINARY(kindling_div_f32, a[i] / b[i])
KINDLING_BINARY(kindling_relu_backward_f32, b[i] <= 0.0f ? 0.0f : a[i])

KINDLING_MULTIVERSION
void kindling_sgd_momentum_f32(float *param, const float *grad, float *buf, long n, float momentum, float lr) {
  for (long i = 0; i < n; i++) {
    float b = buf[i] * momentum + grad[i];  // buf.mul_(momentum).add_(grad): two roundings
    buf[i] = b;
    param[i] = __builtin_fmaf(b, -lr, param[i]);  // param.add_(buf, alpha=-lr): one
  }
}

int kindling_vector_isa_avx2(void) {
#if defined(__x86_64__) && defined(__clang__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

int kindling_vector_isa_avx512(void) { return cpu_has_avx512(); }

void kindling_cpu_relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

KINDLING_MULTIVERSION
void kindling_maxpool2x2_f32(const float *row, const float *next, float *out, long long *indices, long count,
                             long long first, long long width) {
  for (long i = 0; i < count; i++) {
    float v0 = row[2 * i], v1 = row[2 * i + 1], v2 = next[2 * i], v3 = next[2 * i + 1];
    float best = v0;
    long long offset = 0;
    // A later element wins when it is larger or NaN (a NaN best gives way only to a later NaN),
    // written as selects so that the loop vectorizes.
    int t1 = (v1 > best) | (v1 != v1);
    best = t1 ? v1 : best;
    offset = t1 ? 1 : offset;
    int t2 = (v2 > best) | (v2 != v2);
    best = t2 ? v2 : best;
    offset = t2 ? width : offset;
    int t3 = (v3 > best) | (v3 != v3);
    best = t3 ? v3 : best;
    offset = t3 ? width + 1 : offset;
    out[i] = best;
    indices[i] = first + 2 * i + offset;
  }
}

void (*kindling_device_backends_hook)(void) = 0;

void kindling_call_device_backends_hook(void) {
  if (kindling_device_backends_hook) kindling_device_backends_hook();
}
