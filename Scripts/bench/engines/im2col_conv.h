// Convolution as im2col + a pluggable single-threaded sgemm, threaded over chunks of images the
// way Sources/CKernels/conv_impl.h is (each thread im2col's its own chunk and calls the gemm on
// it; the weight gradient is summed from a fixed number of per-slab partials). Engines (b), (c)
// and (e) plug their gemm in here, so they differ from engine (a) only in the gemm.
#ifndef ENGINES_IM2COL_CONV_H
#define ENGINES_IM2COL_CONV_H
#include "bench.h"

// Row-major C[m,n] = alpha op(A) op(B) + beta C, single-threaded (called from many threads).
typedef void (*sgemm_fn)(int ta, int tb, long m, long n, long k, float alpha, const float *a,
                         long lda, const float *b, long ldb, float beta, float *c, long ldc);

void im2col_conv_run(const conv_problem *p, int dir, sgemm_fn gemm);
#endif
