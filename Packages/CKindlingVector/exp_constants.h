// exp's constants, one copy for the portable loop (vector_kernels.c) and the intrinsics loops
// (exp_in_range.h), which must give the same bits.
//
// x = k·ln2/4 + r with k = round(4x / ln2) and |r| <= ln2/8; with k = 4n + j (j = k & 3),
// e^x = 2^n · 2^(j/4) · e^r. 2^(j/4) comes from a table of four, e^r - 1 = r + r²·q(r) with q a
// degree-2 polynomial (minimax for e^r's relative error on [-ln2/8, ln2/8]: 6e-9), and
// 2^(j/4)·e^r = 2^(j/4) + 2^(j/4)·(e^r - 1) is one fused multiply-add: at most 0.98 ulp from the
// correctly rounded result for inputs whose result is a normal float (Tools/vector/exp-sweep.c
// checks all of them). PyTorch's CPU exp (SLEEF's expf_u10) promises 1.0 ulp.
//
// Against the single-interval reduction with a degree-7 polynomial that this replaced (Cephes'
// expf: 1.01 ulp), it takes two fused multiply-adds fewer and a table lookup (`vpermilps`, one
// instruction) more: 11 % fewer nanoseconds an element in exp_avx2.c on Zen 1.
#ifndef KINDLING_EXP_CONSTANTS_H
#define KINDLING_EXP_CONSTANTS_H

#define KINDLING_EXP_FOUR_OVER_LN2 5.7707801636e+00f
// 1.5·2^23: x·(4/ln2) plus this rounds to an integer k, which sits in the sum's low bits.
#define KINDLING_EXP_ROUND 12582912.0f
// ln2/4 in two parts; the first has 9 significant bits, so k times it is exact for |k| < 2^15.
#define KINDLING_EXP_LN2_OVER_4_HI 0.17333984375f
#define KINDLING_EXP_LN2_OVER_4_LO -5.3048610425e-05f
// q(r) = Q0 + Q1·r + Q2·r².
#define KINDLING_EXP_Q0 5.0000017881e-01f
#define KINDLING_EXP_Q1 1.6672103107e-01f
#define KINDLING_EXP_Q2 4.1641760617e-02f

// 2^(j/4) for j = 0...3, rounded to float.
static const float kindling_exp_quarter_powers[4] = {1.0f, 1.189207077e+00f, 1.414213538e+00f, 1.681792855e+00f};

#endif
