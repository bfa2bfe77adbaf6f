// Private C shim of KindlingTensor (not a product): float32 loops over contiguous memory that
// the C compiler builds three times, for baseline x86-64, x86-64-v3 (AVX2 + FMA) and x86-64-v4
// (AVX-512), and picks between at load time (GNU ifunc through `target_clones`); exp has its own
// AVX-512 and AVX2 loops (exp_avx512.c and exp_avx2.c, one text: exp_in_range.h), chosen on
// exp's first call.
// Swift code in this package is compiled for baseline x86-64 only (SSE2, 4-wide), and SwiftPM
// gives a library no per-function target attributes, so the hottest loops live here. Each function handles any `n`, and
// `y` may equal an input (in place) but must not overlap one otherwise.
#pragma once

/// y[i] = exp(x[i]) within 1 ulp (exp_constants.h); inf above 88.72, 0 below -103.97, NaN propagated.
void kindling_exp_f32(const float *x, float *y, long n);
/// kindling_exp_f32's loops, chosen by it on its first call, all giving the same bits: in AVX-512
/// (x86-64 with AVX-512F only) and in AVX2 (x86-64 with AVX2 and FMA; 2.4× the portable loop's
/// speed on a Zen 1 core) for blocks of inputs in [-86, 86], and portable C (compiled for
/// x86-64-v4, v3 and baseline and chosen at load time) for everything else. Each intrinsics loop is not to be
/// called on a CPU without its instructions (see kindling_vector_isa_avx512 and
/// kindling_vector_isa_avx2); off x86-64 they run the portable loop.
void kindling_exp_f32_avx512(const float *x, float *y, long n);
void kindling_exp_f32_avx2(const float *x, float *y, long n);
void kindling_exp_f32_portable(const float *x, float *y, long n);
/// y[i] = x[i] < 0 ? 0 : x[i] (NaN and -0.0 kept, as PyTorch's relu).
void kindling_relu_f32(const float *x, float *y, long n);
/// y[i] = a[i] + b[i], a[i] - b[i], a[i] * b[i], a[i] / b[i].
void kindling_add_f32(const float *a, const float *b, float *y, long n);
void kindling_sub_f32(const float *a, const float *b, float *y, long n);
void kindling_mul_f32(const float *a, const float *b, float *y, long n);
void kindling_div_f32(const float *a, const float *b, float *y, long n);
/// y[i] = b[i] <= 0 ? 0 : a[i]: relu's gradient `a` passed where relu's input or output `b` is
/// positive (threshold_backward with threshold 0; a NaN `b` passes the gradient).
void kindling_relu_backward_f32(const float *a, const float *b, float *y, long n);
/// The sum of x[0..<n] in double: element i goes to accumulator i % 16, and the 16 are added in a
/// fixed tree, so every clone gives the same bits.
double kindling_sum_f32(const float *x, long n);
double kindling_sum_f64(const double *x, long n);
/// acc[i] += x[i] for i < n, in double: one row of a sum over leading dimensions (a bias
/// gradient sums the rows of a [batch, features] gradient).
void kindling_add_row_f32(const float *x, double *acc, long n);
void kindling_add_row_f64(const double *x, double *acc, long n);
/// out row i = source row rows[i], for i < count, rows of row_bytes bytes (the rows already
/// checked to lie inside source), prefetching the rows two ahead.
void kindling_gather_rows(const char *source, const long long *rows, long count, long row_bytes, char *out);
/// dst[i * ldd + j] = src[i + j * ld] for i < rows, j < cols (the copy of a transposed view),
/// elements of element_bytes bytes: 4 or 8. Returns 0, copying nothing, for any other size.
int kindling_transpose_copy(const void *src, long ld, void *dst, long ldd, long rows, long cols, long element_bytes);
/// SGD with momentum, PyTorch's `_single_tensor_sgd` without weight decay, dampening, nesterov or
/// maximize, after the first step: buf = momentum * buf + g (two roundings, as `buf.mul_(momentum)
/// .add_(g)`), then p = p - lr * buf rounded once (a fused multiply-add, as `p.add_(buf, alpha=-lr)`).
void kindling_sgd_momentum_f32(float *param, const float *grad, float *buf, long n, float momentum, float lr);
/// 2×2 max pooling of one output row: out[i] = the largest of row[2i], row[2i+1], next[2i],
/// next[2i+1] (a NaN wins; among equals the first), indices[i] = first + 2i + its offset in the
/// input plane (0, 1, width, width + 1).
void kindling_maxpool2x2_f32(const float *row, const float *next, float *out, long long *indices, long count,
                             long long first, long long width);
/// A spin-wait hint to the CPU (x86's `pause`): lets the other hyperthread run and saves power
/// while a thread polls a flag.
void kindling_cpu_relax(void);
/// 1 when the calling thread flushes denormal floats to zero (x86-64: MXCSR's FTZ and DAZ;
/// AArch64: FPCR's FZ), else 0.
int kindling_flush_denormal_get(void);
/// Sets (`on` != 0) or clears the calling thread's flush-to-zero state; returns 1, or 0 when this
/// CPU has no such mode (then nothing changes).
int kindling_flush_denormal_set(int on);
/// Whether the AVX2 + FMA versions run on this CPU.
int kindling_vector_isa_avx2(void);
/// 1 when the CPU has AVX-512F (kindling_exp_f32 then runs kindling_exp_f32_avx512).
int kindling_vector_isa_avx512(void);

/// Set by a device backend's load-time constructor (KindlingGPU's, in CKindlingCUDA) to the
/// function that registers its devices. KindlingTensor's device registry calls it once, the first
/// time a device without a backend is asked for, so no Swift code has to run while the program
/// is still loading. NULL when no backend is linked.
extern void (*kindling_device_backends_hook)(void);

/// Calls kindling_device_backends_hook if a backend set it.
void kindling_call_device_backends_hook(void);
