// exp for float written so that a loop calling it vectorises: no branches, no libm call (libm's
// expf is a call per element, which keeps every exp-heavy loop scalar). Internal to CKernels.
//
// x = n ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 split in two so n * ln2_hi is exact), e^r by
// its Taylor polynomial of degree 7 (truncation error < r^8/8! < 6e-9, below half an ulp), and
// 2^n built in the exponent bits, in two factors so that subnormal results round only once.
// Special cases by selects: NaN stays NaN (the same NaN), +inf and x > 88.7228317 give +inf,
// -inf and x < -104 (below half the smallest subnormal) give +0.
// Error, measured against exp in double over every float in [-104.5, 89): at most 1.22 ulp
// (the worst near x = 59.27); FastExpTests checks 1.25 ulp over a sweep and the special cases.
// Double keeps libm's exp: the gradient checks run in double and want it exact.
#ifndef CK_FAST_EXP_H
#define CK_FAST_EXP_H
#include <stdint.h>
#include <string.h>

// Every variant must round each step alike (isa.h): no multiply-add fused in the inlined copies
// the AVX2 and AVX-512 workers make of this function.
#pragma STDC FP_CONTRACT OFF

static inline float ck_pow2i_f32(int32_t k) {  // 2^k for -126 <= k <= 127
    const int32_t bits = (k + 127) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float ck_exp_f32(float x) {
    const float overflow = 88.72283172607421875f;  // the largest float whose e^x is finite
    const float underflow = -104.0f;            // e^x < half the smallest subnormal below
    float c = x > overflow ? overflow : x;
    c = c < underflow ? underflow : c;
    c = c == c ? c : 0.0f;  // NaN: compute on 0, return the NaN below
    // n = round(c / ln2) by the 1.5 * 2^23 trick (no SSE4.1 round needed); |c / ln2| < 151.
    const float shifter = 12582912.0f;
    const float n = (c * 1.44269504088896341f + shifter) - shifter;
    const float ln2_hi = 0.693145751953125f;      // 16 significant bits: n * ln2_hi is exact
    const float ln2_lo = 1.42860682030941723e-6f;  // ln2 - ln2_hi
    const float r = (c - n * ln2_hi) - n * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    // 2^n = 2^(n/2) * 2^(n - n/2): both factors normal for n in [-150, 128].
    const int32_t k = (int32_t)n, k1 = k / 2, k2 = k - k1;
    float y = (p * ck_pow2i_f32(k1)) * ck_pow2i_f32(k2);
    y = x > overflow ? __builtin_inff() : y;
    return x == x ? y : x;
}
#endif
