// exp for float32 in AVX-512 intrinsics: exp_in_range.h's loop on 16 lanes, the portable loop's
// bits (vector_kernels.c). Blocks with inputs outside [-86, 86] and the tail take the portable
// loop's AVX-512 clone.
#include "CKindlingVector.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define EXP_LANES 16
#define EXP_TARGET __attribute__((target("avx512f")))
#define EXP_LOOKUP(table, k) ((exp_floats)_mm512_permutevar_ps((__m512)(table), (__m512i)(k)))
#define EXP_LOOP kindling_exp_f32_avx512
#include "exp_in_range.h"
#else
void kindling_exp_f32_avx512(const float *x, float *y, long n) { kindling_exp_f32_portable(x, y, n); }
#endif
